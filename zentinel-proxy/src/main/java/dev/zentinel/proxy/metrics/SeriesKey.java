package dev.zentinel.proxy.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The identity of one counter series in an exported snapshot, written like a Prometheus series
 * selector: {@code zentinel_requests_total{route="api",status="200"}}, labels sorted by name,
 * values escaped as in the text format (backslash, double quote, newline). A metric without
 * labels is just its name.
 */
record SeriesKey(String name, Map<String, String> labels) {

    static String format(String name, Map<String, String> labels) {
        if (labels.isEmpty()) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name).append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append(e.getKey()).append("=\"");
            escape(e.getValue(), sb);
            sb.append('"');
        }
        return sb.append('}').toString();
    }

    /** The parsed key, or null when it is not in the format {@link #format} writes. */
    static SeriesKey parse(String key) {
        if (key == null || key.isEmpty()) {
            return null;
        }
        int brace = key.indexOf('{');
        if (brace < 0) {
            return validName(key) ? new SeriesKey(key, Map.of()) : null;
        }
        String name = key.substring(0, brace);
        if (!validName(name) || !key.endsWith("}")) {
            return null;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        int i = brace + 1;
        int end = key.length() - 1;
        while (i < end) {
            int eq = key.indexOf("=\"", i);
            if (eq < 0) {
                return null;
            }
            String labelName = key.substring(i, eq);
            if (!validName(labelName)) {
                return null;
            }
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            boolean closed = false;
            while (j < end) {
                char c = key.charAt(j++);
                if (c == '\\' && j < end) {
                    char escaped = key.charAt(j++);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else if (c == '"') {
                    closed = true;
                    break;
                } else {
                    value.append(c);
                }
            }
            if (!closed || labels.put(labelName, value.toString()) != null) {
                return null;
            }
            if (j < end) {
                if (key.charAt(j) != ',') {
                    return null;
                }
                j++;
            }
            i = j;
        }
        return new SeriesKey(name, labels);
    }

    /** This key's label values in the order of {@code labelNames}, or null if the label sets differ. */
    String[] labelValuesFor(String[] labelNames) {
        if (labelNames.length != labels.size()) {
            return null;
        }
        String[] values = new String[labelNames.length];
        for (int i = 0; i < labelNames.length; i++) {
            values[i] = labels.get(labelNames[i]);
            if (values[i] == null) {
                return null;
            }
        }
        return values;
    }

    private static boolean validName(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static void escape(String value, StringBuilder sb) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
    }
}
