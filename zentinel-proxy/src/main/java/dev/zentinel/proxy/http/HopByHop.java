package dev.zentinel.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 9110 7.6.1: connection-specific header fields are not forwarded: Connection, the fields it
 * names, and the fixed hop-by-hop fields (Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade; the
 * parsers classify those by name). Transfer-Encoding is left to the writers, which re-frame the
 * body for the next hop.
 */
final class HopByHop {

    private HopByHop() {
    }

    /**
     * The field names a Connection value nominates for removal, or null when it names none (the
     * overwhelmingly common "keep-alive" and "close"). Fields that frame or route the message
     * (Host, Content-Length, Transfer-Encoding) are never nominated: a Connection field must not
     * be able to remove them.
     */
    static List<String> nominated(String connection, List<String> into) {
        if (connection.equalsIgnoreCase("keep-alive") || connection.equalsIgnoreCase("close")) {
            return into;
        }
        List<String> names = into;
        int start = 0;
        int length = connection.length();
        while (start < length) {
            int comma = connection.indexOf(',', start);
            int end = comma < 0 ? length : comma;
            String token = connection.substring(start, end).trim();
            if (!token.isEmpty() && !isProtected(token)) {
                if (names == null) {
                    names = new ArrayList<>(2);
                }
                names.add(token);
            }
            start = end + 1;
        }
        return names;
    }

    /** True when the name of field {@code field} is one of {@code names} (any letter case). */
    static boolean contains(List<String> names, RequestFields fields, int field) {
        for (int i = 0, n = names.size(); i < n; i++) {
            if (fields.nameEquals(field, names.get(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isProtected(String name) {
        return HttpHeaderNames.HOST.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name);
    }
}
