package dev.zentinel.proxy.http;

import dev.zentinel.proxy.wire.FieldNames;
import dev.zentinel.proxy.wire.HttpSyntax;
import dev.zentinel.proxy.wire.ListElements;
import java.nio.charset.StandardCharsets;
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
     * The field names the Connection value {@code bytes[start, end)} nominates for removal, added
     * to {@code into} (created when null), or {@code into} when it names none (the overwhelmingly
     * common "keep-alive" and "close"). Fields that frame or route the message (Host,
     * Content-Length, Transfer-Encoding) are never nominated: a Connection field must not be able
     * to remove them.
     */
    static List<String> nominated(byte[] bytes, int start, int end, List<String> into) {
        if (HttpSyntax.equalsIgnoreCase(bytes, start, end, "keep-alive") || HttpSyntax.equalsIgnoreCase(bytes, start, end, "close")) {
            return into;
        }
        List<String> names = into;
        for (long element = ListElements.next(bytes, start, end); element != ListElements.NONE;
                element = ListElements.next(bytes, ListElements.end(element), end)) {
            int s = ListElements.start(element);
            int e = ListElements.end(element);
            if (!FieldNames.isProtected(FieldNames.classify(bytes, s, e))) {
                if (names == null) {
                    names = new ArrayList<>(2);
                }
                names.add(new String(bytes, s, e - s, StandardCharsets.ISO_8859_1));
            }
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
}
