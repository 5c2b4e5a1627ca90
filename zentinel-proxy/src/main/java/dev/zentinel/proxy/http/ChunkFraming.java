package dev.zentinel.proxy.http;

import dev.zentinel.proxy.upstream.ResponseFields;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Iterator;
import java.util.Map;

/** The bytes around chunked body pieces (RFC 9112 7.1), for both directions. */
final class ChunkFraming {

    private static final ByteBuf CRLF = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(2).writeByte('\r').writeByte('\n')).asReadOnly();
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private ChunkFraming() {
    }

    /** {@code size-in-hex CRLF}. */
    static ByteBuf sizeLine(ByteBufAllocator alloc, int size) {
        ByteBuf line = alloc.buffer(10);
        int shift = 28;
        while (shift > 0 && (size >>> shift) == 0) {
            shift -= 4;
        }
        for (; shift >= 0; shift -= 4) {
            line.writeByte(HEX[(size >>> shift) & 0xF]);
        }
        line.writeShort('\r' << 8 | '\n');
        return line;
    }

    /** The line end after a chunk's data. */
    static ByteBuf crlf() {
        return CRLF.duplicate();
    }

    /** The last chunk and the trailer section: {@code 0 CRLF *(field CRLF) CRLF}. */
    static ByteBuf lastChunk(ByteBufAllocator alloc, HttpHeaders trailers) {
        ByteBuf out = alloc.buffer(trailers.isEmpty() ? 5 : 256);
        out.writeByte('0').writeShort('\r' << 8 | '\n');
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = trailers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> field = it.next();
            ByteBufUtil.writeAscii(out, field.getKey());
            out.writeShort(':' << 8 | ' ');
            ByteBufUtil.writeAscii(out, field.getValue());
            out.writeShort('\r' << 8 | '\n');
        }
        out.writeShort('\r' << 8 | '\n');
        return out;
    }

    /** The last chunk with an upstream response's trailer section. */
    static ByteBuf lastChunk(ByteBufAllocator alloc, ResponseFields trailers) {
        ByteBuf out = alloc.buffer(5 + trailers.encodedLength());
        out.writeByte('0').writeShort('\r' << 8 | '\n');
        for (int i = 0, n = trailers.count(); i < n; i++) {
            trailers.writeLine(i, out);
        }
        out.writeShort('\r' << 8 | '\n');
        return out;
    }
}
