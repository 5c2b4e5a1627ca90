package dev.zentinel.proxy.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Joins bytes that arrive after an incomplete head or line to the bytes kept for it, for parsers
 * that keep only such a remainder between reads (body bytes are handed on as slices instead).
 */
public final class Cumulation {

    private Cumulation() {
    }

    /**
     * Returns {@code kept} followed by {@code in}; both are released or reused. The kept buffer is
     * written in place only when nothing else refers to it (no body slices handed out) and it has
     * room; otherwise a new buffer of at least twice the kept bytes, but not beyond
     * {@code growthLimit} unless the bytes need it, takes both.
     */
    public static ByteBuf append(ByteBufAllocator alloc, ByteBuf kept, ByteBuf in, int growthLimit) {
        int needed = in.readableBytes();
        if (kept.refCnt() == 1 && !kept.isReadOnly() && kept.writableBytes() >= needed) {
            kept.writeBytes(in);
            in.release();
            return kept;
        }
        int size = kept.readableBytes() + needed;
        ByteBuf merged = alloc.buffer(Math.max(size, Math.min(2 * kept.readableBytes(), growthLimit)));
        merged.writeBytes(kept).writeBytes(in);
        kept.release();
        in.release();
        return merged;
    }
}
