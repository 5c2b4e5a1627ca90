package dev.zentinel.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;

/**
 * RFC 9110 7.6.1: connection-specific header fields are removed before a message is forwarded.
 * Transfer-Encoding is left to the codecs, which re-frame the body for the next hop.
 */
final class HopByHop {

    static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");

    private HopByHop() {
    }

    /**
     * {@link #strip(HttpHeaders)} for a request; skipped when the decoder counted no hop-by-hop
     * field in it (nothing to remove: a Connection field would have been counted, and only it can
     * nominate further fields).
     */
    static void strip(HttpRequest request) {
        if (request instanceof DecodedRequest && ((DecodedRequest) request).hopByHopFields == 0) {
            return;
        }
        strip(request.headers());
    }

    /** Removes Connection, the fields it names, and the fixed hop-by-hop fields. */
    static void strip(HttpHeaders headers) {
        String connection = headers.get(HttpHeaderNames.CONNECTION);
        if (connection != null) {
            removeNominated(headers, connection);
            headers.remove(HttpHeaderNames.CONNECTION);
        }
        headers.remove(HttpHeaderNames.KEEP_ALIVE);
        headers.remove(PROXY_CONNECTION);
        headers.remove(HttpHeaderNames.TE);
        headers.remove(HttpHeaderNames.TRAILER);
        headers.remove(HttpHeaderNames.UPGRADE);
    }

    private static void removeNominated(HttpHeaders headers, String connection) {
        // Fast path for the overwhelmingly common values.
        if (connection.equalsIgnoreCase("keep-alive") || connection.equalsIgnoreCase("close")) {
            return;
        }
        int start = 0;
        int length = connection.length();
        while (start < length) {
            int comma = connection.indexOf(',', start);
            int end = comma < 0 ? length : comma;
            String token = connection.substring(start, end).trim();
            if (!token.isEmpty() && !isProtected(token)) {
                headers.remove(token);
            }
            start = end + 1;
        }
    }

    /** Fields that frame or route the message: a Connection header must not be able to remove them. */
    private static boolean isProtected(String name) {
        return HttpHeaderNames.HOST.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name);
    }
}
