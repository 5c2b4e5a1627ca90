package dev.zentinel.proxy.http;

import dev.zentinel.proxy.upstream.ResponseFields;
import dev.zentinel.proxy.upstream.UpstreamResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes the head of an upstream response as the client gets it, straight from the parsed bytes:
 * an HTTP/1.1 status line with the origin's code and reason, the origin's fields minus the
 * hop-by-hop ones (and those its Connection field names), then what this hop adds. No header map
 * is built.
 */
final class ResponseHeadWriter {

    /** The origin's Transfer-Encoding is not forwarded (the body is re-framed). */
    static final int DROP_TRANSFER_ENCODING = 1;
    static final int DROP_CONTENT_LENGTH = 1 << 1;
    static final int ADD_CHUNKED = 1 << 2;
    /** {@code content-length: 0} (a 205 Reset Content never has a body, RFC 9110 15.3.6). */
    static final int CONTENT_LENGTH_ZERO = 1 << 3;
    static final int CONNECTION_CLOSE = 1 << 4;
    static final int CONNECTION_KEEP_ALIVE = 1 << 5;

    private static final byte[] HTTP_1_1 = "HTTP/1.1 ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "transfer-encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ZERO_LENGTH = "content-length: 0\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = "connection: keep-alive\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Room for the status line's fixed part and the fields this hop may add. */
    private static final int EXTRA_BYTES = 80;

    private ResponseHeadWriter() {
    }

    /** The head for the client; {@code options} is a set of this class's flags. */
    static ByteBuf write(ByteBufAllocator alloc, UpstreamResponseHead head, int options) {
        return write(alloc, head, options, 0);
    }

    /** As {@link #write(ByteBufAllocator, UpstreamResponseHead, int)}, with room for {@code bodyRoom} more bytes. */
    static ByteBuf write(ByteBufAllocator alloc, UpstreamResponseHead head, int options, int bodyRoom) {
        ResponseFields fields = head.fields();
        ByteBuf out = alloc.buffer(EXTRA_BYTES + head.reasonLength() + fields.encodedLength() + bodyRoom);
        out.writeBytes(HTTP_1_1);
        int status = head.status();
        out.writeByte('0' + status / 100).writeByte('0' + status / 10 % 10).writeByte('0' + status % 10).writeByte(' ');
        head.writeReason(out);
        out.writeShort('\r' << 8 | '\n');
        List<String> nominated = head.nominatesFields() ? nominated(fields) : null;
        for (int i = 0, n = fields.count(); i < n; i++) {
            if (forwarded(fields, i, options, nominated)) {
                fields.writeLine(i, out);
            }
        }
        if ((options & ADD_CHUNKED) != 0) {
            out.writeBytes(CHUNKED);
        }
        if ((options & CONTENT_LENGTH_ZERO) != 0) {
            out.writeBytes(ZERO_LENGTH);
        }
        if ((options & CONNECTION_CLOSE) != 0) {
            out.writeBytes(CLOSE);
        } else if ((options & CONNECTION_KEEP_ALIVE) != 0) {
            out.writeBytes(KEEP_ALIVE);
        }
        out.writeShort('\r' << 8 | '\n');
        return out;
    }

    private static boolean forwarded(ResponseFields fields, int i, int options, List<String> nominated) {
        switch (fields.kind(i)) {
            case ResponseFields.CONNECTION:
            case ResponseFields.HOP_BY_HOP:
                return false;
            case ResponseFields.TRANSFER_ENCODING:
                return (options & DROP_TRANSFER_ENCODING) == 0;
            case ResponseFields.CONTENT_LENGTH:
                return (options & DROP_CONTENT_LENGTH) == 0;
            default:
                return nominated == null || !isNominated(fields, i, nominated);
        }
    }

    /** The names every Connection field of the response nominates (rare: usually it says close or keep-alive only). */
    private static List<String> nominated(ResponseFields fields) {
        List<String> names = null;
        for (int i = 0, n = fields.count(); i < n; i++) {
            if (fields.kind(i) == ResponseFields.CONNECTION) {
                byte[] value = fields.valueBytes(i);
                names = HopByHop.nominated(value, 0, value.length, names);
            }
        }
        return names;
    }

    private static boolean isNominated(ResponseFields fields, int i, List<String> nominated) {
        for (int k = 0, n = nominated.size(); k < n; k++) {
            if (fields.nameEquals(i, nominated.get(k))) {
                return true;
            }
        }
        return false;
    }
}
