package dev.zentinel.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes the head of a request as the origin gets it, in one buffer straight from the client's
 * parsed request: request line as HTTP/1.1, the client's fields minus the hop-by-hop ones (and
 * those its Connection field names), then X-Forwarded-For (earlier hops kept, in order, several
 * field lines joined), X-Forwarded-Proto, X-Forwarded-Host (when the request named a host) and
 * Via. The client's request is not modified and no second header map is built.
 */
final class RequestHeadWriter {

    private static final byte[] HTTP_1_1 = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] XFF = "x-forwarded-for: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] XFP = "x-forwarded-proto: http\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] XFH = "x-forwarded-host: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VIA = "via: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VIA_TOKEN = ForwardedHeaders.VIA_TOKEN.getBytes(StandardCharsets.US_ASCII);
    private static final int BYTES_PER_FIELD_GUESS = 48;
    private static final int EXTRA_BYTES = 160;

    private enum Kind { OTHER, HOP_BY_HOP, FORWARDED_FOR, FORWARDED_PROTO, FORWARDED_HOST, VIA }

    private RequestHeadWriter() {
    }

    /** {@code host}: the request's Host (or absolute-form authority), null when it had none. */
    static ByteBuf write(ByteBufAllocator alloc, HttpRequest request, String clientIp, String host) {
        HttpHeaders headers = request.headers();
        String uri = request.uri();
        ByteBuf out = alloc.buffer(EXTRA_BYTES + uri.length() + BYTES_PER_FIELD_GUESS * headers.size());
        ByteBufUtil.writeAscii(out, request.method().asciiName());
        out.writeByte(' ');
        ByteBufUtil.writeAscii(out, uri);
        out.writeBytes(HTTP_1_1);

        boolean strip = !(request instanceof DecodedRequest) || ((DecodedRequest) request).hopByHopFields > 0;
        List<String> nominated = null;
        if (strip) {
            for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
                nominated = HopByHop.nominated(connection, nominated);
            }
        }
        StringBuilder forwardedFor = null;
        StringBuilder via = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> field = it.next();
            CharSequence name = field.getKey();
            if (strip && (HopByHop.isHopByHop(name) || (nominated != null && HopByHop.contains(nominated, name)))) {
                continue;
            }
            switch (kindOf(name)) {
                case FORWARDED_FOR:
                    forwardedFor = appendListValue(forwardedFor, field.getValue());
                    continue;
                case VIA:
                    via = appendListValue(via, field.getValue());
                    continue;
                case FORWARDED_PROTO:
                    continue;
                case FORWARDED_HOST:
                    if (host != null) {
                        continue;
                    }
                    break;
                default:
                    break;
            }
            ByteBufUtil.writeAscii(out, name);
            out.writeShort(':' << 8 | ' ');
            ByteBufUtil.writeAscii(out, field.getValue());
            out.writeShort('\r' << 8 | '\n');
        }
        out.writeBytes(XFF);
        if (forwardedFor != null) {
            ByteBufUtil.writeAscii(out, forwardedFor);
            out.writeShort(',' << 8 | ' ');
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
        if (via != null) {
            ByteBufUtil.writeAscii(out, via);
            out.writeShort(',' << 8 | ' ');
        }
        out.writeBytes(VIA_TOKEN);
        out.writeInt('\r' << 24 | '\n' << 16 | '\r' << 8 | '\n');
        return out;
    }

    private static StringBuilder appendListValue(StringBuilder joined, CharSequence value) {
        if (joined == null) {
            return new StringBuilder(value.length() + 32).append(value);
        }
        return joined.append(", ").append(value);
    }

    private static Kind kindOf(CharSequence name) {
        switch (name.length()) {
            case 3:
                return HttpHeaderNames.VIA.contentEqualsIgnoreCase(name) ? Kind.VIA : Kind.OTHER;
            case 15:
                return ForwardedHeaders.X_FORWARDED_FOR.contentEqualsIgnoreCase(name) ? Kind.FORWARDED_FOR : Kind.OTHER;
            case 16:
                return ForwardedHeaders.X_FORWARDED_HOST.contentEqualsIgnoreCase(name) ? Kind.FORWARDED_HOST : Kind.OTHER;
            case 17:
                return ForwardedHeaders.X_FORWARDED_PROTO.contentEqualsIgnoreCase(name) ? Kind.FORWARDED_PROTO : Kind.OTHER;
            default:
                return Kind.OTHER;
        }
    }
}
