package dev.zentinel.proxy.http;

import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;

/**
 * One request head as received: its bytes (copied once out of the socket buffer), the request
 * line and the field lines as positions in them, and the framing facts gathered while parsing.
 * Strings (target, path, Host) are made only when someone asks, and at most once.
 *
 * <p>A head the parser refused carries the status to answer with ({@link #rejection()}) and, as
 * Netty's decoder reported such requests, reads as {@code GET /bad-request HTTP/1.0}.
 */
final class RequestHead {

    private static final String REJECTED_TARGET = "/bad-request";

    private final byte[] bytes;
    private final RequestFields fields;
    private HttpMethod method = HttpMethod.GET;
    private int targetStart;
    private int targetEnd;
    private int majorVersion = 1;
    private int minorVersion;
    private int rejection;

    // Framing and the counts validation and forwarding ask about.
    long contentLength = -1;
    int contentLengthFields;
    int hostFields;
    int transferEncodingFields;
    /** Connection and the fixed hop-by-hop fields: when zero, nothing is stripped on forwarding. */
    int hopByHopFields;
    boolean connectionClose;
    boolean connectionKeepAlive;

    private String target;
    private String host;
    private boolean hostResolved;
    /** Set when an absolute-form target was rewritten to origin-form: its authority replaces Host. */
    private String authority;
    private boolean rewritten;

    RequestHead(byte[] bytes) {
        this.bytes = bytes;
        this.fields = new RequestFields(bytes);
    }

    /** A refused head: the decoder answers {@code status} and reads nothing more. */
    static RequestHead rejected(int status) {
        RequestHead head = new RequestHead(new byte[0]);
        head.rejection = status;
        head.target = REJECTED_TARGET;
        return head;
    }

    void requestLine(HttpMethod method, int targetStart, int targetEnd, int major, int minor) {
        this.method = method;
        this.targetStart = targetStart;
        this.targetEnd = targetEnd;
        this.majorVersion = major;
        this.minorVersion = minor;
    }

    /** 0 for a head that parsed; otherwise the status (400, 414, 431) it is refused with. */
    int rejection() {
        return rejection;
    }

    HttpMethod method() {
        return method;
    }

    int majorVersion() {
        return majorVersion;
    }

    int minorVersion() {
        return minorVersion;
    }

    RequestFields fields() {
        return fields;
    }

    byte[] bytes() {
        return bytes;
    }

    boolean chunked() {
        return transferEncodingFields > 0;
    }

    /** True when a body follows the head (a positive Content-Length, or chunked). */
    boolean hasBody() {
        return contentLength > 0 || transferEncodingFields > 0;
    }

    /** RFC 9112 9.3: persistent unless "close", or HTTP/1.0 without "keep-alive". */
    boolean keepAlive() {
        return !connectionClose && (minorVersion >= 1 || connectionKeepAlive);
    }

    /** The request target as a string; after {@link #toOriginForm()} the origin-form one. */
    String target() {
        String t = target;
        if (t == null) {
            t = new String(bytes, targetStart, targetEnd - targetStart, StandardCharsets.ISO_8859_1);
            target = t;
        }
        return t;
    }

    /** First byte of the target: enough to tell the forms apart without a string. */
    byte targetFirstByte() {
        return targetEnd > targetStart ? bytes[targetStart] : 0;
    }

    int targetLength() {
        return rewritten ? target.length() : targetEnd - targetStart;
    }

    /** The target up to its query, as routing wants it. */
    String path() {
        if (!rewritten) {
            int end = targetStart;
            while (end < targetEnd && bytes[end] != '?') {
                end++;
            }
            return end == targetEnd ? target() : new String(bytes, targetStart, end - targetStart, StandardCharsets.ISO_8859_1);
        }
        String t = target;
        int query = t.indexOf('?');
        return query < 0 ? t : t.substring(0, query);
    }

    /** The Host value (or the absolute-form authority that replaced it); null when there is none. */
    String host() {
        if (!hostResolved) {
            hostResolved = true;
            if (authority != null) {
                host = authority;
            } else {
                int field = hostFields > 0 ? fields.first(RequestFields.HOST) : -1;
                host = field < 0 ? null : fields.value(field);
            }
        }
        return host;
    }

    /** The authority that replaces Host on forwarding, or null when the client's Host goes as it is. */
    String authority() {
        return authority;
    }

    /** True once the target was rewritten to origin-form: it is then no longer the received bytes. */
    boolean targetRewritten() {
        return rewritten;
    }

    int targetStart() {
        return targetStart;
    }

    int targetEnd() {
        return targetEnd;
    }

    static boolean isAbsoluteForm(String uri) {
        return uri.regionMatches(true, 0, "http://", 0, 7) || uri.regionMatches(true, 0, "https://", 0, 8);
    }

    /**
     * RFC 9112 3.2.2: an absolute-form target becomes origin-form, and its authority (when not
     * empty) replaces Host.
     */
    void toOriginForm() {
        String uri = target();
        int authorityStart = uri.indexOf("//") + 2;
        int pathStart = uri.indexOf('/', authorityStart);
        int queryStart = uri.indexOf('?', authorityStart);
        int end = pathStart < 0 ? (queryStart < 0 ? uri.length() : queryStart) : pathStart;
        if (queryStart >= 0 && queryStart < end) {
            end = queryStart;
        }
        String found = uri.substring(authorityStart, end);
        String rest = uri.substring(end);
        target = rest.isEmpty() ? "/" : (rest.charAt(0) == '?' ? "/" + rest : rest);
        rewritten = true;
        if (!found.isEmpty()) {
            authority = found;
            host = found;
            hostResolved = true;
        }
    }
}
