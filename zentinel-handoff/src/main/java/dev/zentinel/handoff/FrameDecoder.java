package dev.zentinel.handoff;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the byte stream into {@link Frame}s and rejects anything that is not one: the magic is
 * checked as soon as its first byte arrives, so garbage fails fast instead of waiting for a
 * timeout. Non-byte messages (received descriptors) pass through untouched.
 */
final class FrameDecoder extends ByteToMessageDecoder {

    private static final byte[] MAGIC_BYTES = {'Z', 'N', 'H', 'O'};

    private final int maxFrameBytes;
    private boolean failed;

    FrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws HandoffProtocolException {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            Frame frame = tryDecode(in);
            if (frame != null) {
                out.add(frame);
            }
        } catch (HandoffProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private Frame tryDecode(ByteBuf in) throws HandoffProtocolException {
        int start = in.readerIndex();
        int available = in.readableBytes();
        for (int i = 0; i < Math.min(available, MAGIC_BYTES.length); i++) {
            if (in.getByte(start + i) != MAGIC_BYTES[i]) {
                throw new HandoffProtocolException("not a handoff frame: bad magic, first bytes " + hexPrefix(in, start, available)
                        + " (expected 'ZNHO')");
            }
        }
        if (available < Protocol.HEADER_BYTES) {
            return null;
        }
        int version = in.getUnsignedShort(start + 4);
        int typeCode = in.getUnsignedByte(start + 6);
        int flags = in.getUnsignedByte(start + 7);
        long length = in.getUnsignedInt(start + 8);
        if (!Protocol.SUPPORTED_VERSIONS.contains(version)) {
            throw new HandoffProtocolException("frame protocol version " + version + " is not supported (this build speaks "
                    + Protocol.SUPPORTED_VERSIONS + ")");
        }
        MessageType type = MessageType.fromCode(typeCode);
        if (type == null) {
            throw new HandoffProtocolException("unknown message type " + typeCode);
        }
        if (flags != 0) {
            throw new HandoffProtocolException("frame flags must be 0, got " + flags);
        }
        if (length > maxFrameBytes - Protocol.HEADER_BYTES) {
            throw new HandoffProtocolException(type + " frame of " + (length + Protocol.HEADER_BYTES)
                    + " bytes exceeds the limit of " + maxFrameBytes + " bytes");
        }
        if (available < Protocol.HEADER_BYTES + length) {
            return null;
        }
        in.skipBytes(Protocol.HEADER_BYTES);
        byte[] payload = new byte[(int) length];
        in.readBytes(payload);
        return new Frame(version, type, payload);
    }

    private static String hexPrefix(ByteBuf in, int start, int available) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(available, 8); i++) {
            sb.append(String.format("%02x", in.getUnsignedByte(start + i)));
        }
        return sb.toString();
    }
}
