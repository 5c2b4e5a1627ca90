package dev.zentinel.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes the head of a request as the origin gets it, in one buffer straight from the bytes the
 * client sent: request line as HTTP/1.1, the client's fields minus the hop-by-hop ones (and those
 * its Connection field names), then X-Forwarded-For (earlier hops kept, in order, several field
 * lines joined), X-Forwarded-Proto, X-Forwarded-Host (when the request named a host) and Via.
 * When an absolute-form target supplied the authority, it replaces the client's Host, written
 * after the client's other fields.
 */
final class RequestHeadWriter {

    private static final byte[] HTTP_1_1 = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HOST = "host: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] XFF = "x-forwarded-for: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] XFP = "x-forwarded-proto: http\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] XFH = "x-forwarded-host: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VIA = "via: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VIA_TOKEN = ForwardedHeaders.VIA_TOKEN.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LIST_SEPARATOR = {',', ' '};
    private static final int EXTRA_BYTES = 160;

    private RequestHeadWriter() {
    }

    /** {@code host}: the request's Host (or absolute-form authority), null when it had none. */
    static ByteBuf write(ByteBufAllocator alloc, RequestHead request, String clientIp, String host) {
        RequestFields fields = request.fields();
        byte[] bytes = request.bytes();
        ByteBuf out = alloc.buffer(EXTRA_BYTES + bytes.length + request.targetLength() + (host == null ? 0 : host.length()));
        ByteBufUtil.writeAscii(out, request.method().asciiName());
        out.writeByte(' ');
        if (request.targetRewritten()) {
            ByteBufUtil.writeAscii(out, request.target());
        } else {
            out.writeBytes(bytes, request.targetStart(), request.targetEnd() - request.targetStart());
        }
        out.writeBytes(HTTP_1_1);

        List<String> nominated = request.hopByHopFields > 0 ? nominated(fields) : null;
        boolean replaceHost = request.authority() != null;
        int forwardedFor = -1;
        int via = -1;
        for (int i = 0, n = fields.count(); i < n; i++) {
            switch (fields.kind(i)) {
                case RequestFields.CONNECTION:
                case RequestFields.HOP_BY_HOP:
                case RequestFields.X_FORWARDED_PROTO:
                    continue;
                case RequestFields.X_FORWARDED_FOR:
                    if (forwardedFor < 0) {
                        forwardedFor = i;
                    }
                    continue;
                case RequestFields.VIA:
                    if (via < 0) {
                        via = i;
                    }
                    continue;
                case RequestFields.X_FORWARDED_HOST:
                    if (host != null) {
                        continue;
                    }
                    break;
                case RequestFields.HOST:
                    if (replaceHost) {
                        continue;
                    }
                    break;
                default:
                    break;
            }
            if (nominated != null && HopByHop.contains(nominated, fields, i)) {
                continue;
            }
            writeLine(out, fields, i);
        }
        if (replaceHost) {
            out.writeBytes(HOST);
            ByteBufUtil.writeAscii(out, request.authority());
            out.writeShort('\r' << 8 | '\n');
        }
        out.writeBytes(XFF);
        if (forwardedFor >= 0) {
            writeJoined(out, fields, forwardedFor, RequestFields.X_FORWARDED_FOR, nominated);
        }
        ByteBufUtil.writeAscii(out, clientIp);
        out.writeShort('\r' << 8 | '\n');
        out.writeBytes(XFP);
        if (host != null) {
            out.writeBytes(XFH);
            ByteBufUtil.writeAscii(out, host);
            out.writeShort('\r' << 8 | '\n');
        }
        out.writeBytes(VIA);
        if (via >= 0) {
            writeJoined(out, fields, via, RequestFields.VIA, nominated);
        }
        out.writeBytes(VIA_TOKEN);
        out.writeInt('\r' << 24 | '\n' << 16 | '\r' << 8 | '\n');
        return out;
    }

    private static void writeLine(ByteBuf out, RequestFields fields, int i) {
        byte[] bytes = fields.bytes();
        out.writeBytes(bytes, fields.nameStart(i), fields.nameEnd(i) - fields.nameStart(i));
        out.writeShort(':' << 8 | ' ');
        out.writeBytes(bytes, fields.valueStart(i), fields.valueEnd(i) - fields.valueStart(i));
        out.writeShort('\r' << 8 | '\n');
    }

    /** The values of every field of {@code kind} from {@code first} on, each followed by ", ". */
    private static void writeJoined(ByteBuf out, RequestFields fields, int first, byte kind, List<String> nominated) {
        byte[] bytes = fields.bytes();
        for (int i = first, n = fields.count(); i < n; i++) {
            if (fields.kind(i) == kind && (nominated == null || !HopByHop.contains(nominated, fields, i))) {
                out.writeBytes(bytes, fields.valueStart(i), fields.valueEnd(i) - fields.valueStart(i));
                out.writeBytes(LIST_SEPARATOR);
            }
        }
    }

    private static List<String> nominated(RequestFields fields) {
        List<String> names = null;
        for (int i = 0, n = fields.count(); i < n; i++) {
            if (fields.kind(i) == RequestFields.CONNECTION) {
                names = HopByHop.nominated(fields.bytes(), fields.valueStart(i), fields.valueEnd(i), names);
            }
        }
        return names;
    }
}
