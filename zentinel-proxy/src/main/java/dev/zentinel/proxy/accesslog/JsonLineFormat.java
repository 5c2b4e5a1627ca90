package dev.zentinel.proxy.accesslog;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes an {@link AccessRecord} as one JSON object on one line. Strings are escaped per
 * RFC 8259 (quote, backslash and control characters; everything else passes through as UTF-8),
 * so a hostile URI or Host header can neither break the line nor the object.
 */
final class JsonLineFormat {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonLineFormat() {
    }

    static void append(AccessRecord r, StringBuilder sb) {
        sb.append("{\"time\":\"");
        TIME.formatTo(Instant.ofEpochMilli(r.startEpochMillis()), sb);
        sb.append('"');
        string(sb, "client", r.clientAddress());
        string(sb, "method", r.method());
        string(sb, "uri", r.uri());
        string(sb, "host", r.host());
        number(sb, "status", r.status());
        number(sb, "bytes_in", r.bytesIn());
        number(sb, "bytes_out", r.bytesOut());
        number(sb, "duration_us", r.durationMicros());
        string(sb, "route", r.route());
        string(sb, "upstream", r.upstream());
        string(sb, "listener", r.listener());
        sb.append("}\n");
    }

    private static void number(StringBuilder sb, String key, long value) {
        sb.append(",\"").append(key).append("\":").append(value);
    }

    private static void string(StringBuilder sb, String key, String value) {
        sb.append(",\"").append(key).append("\":");
        if (value == null) {
            sb.append("null");
            return;
        }
        sb.append('"');
        escape(value, sb);
        sb.append('"');
    }

    static void escape(String value, StringBuilder sb) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    // U+2028/2029 are valid JSON but break JavaScript consumers that eval lines.
                    if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
                        sb.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
    }
}
