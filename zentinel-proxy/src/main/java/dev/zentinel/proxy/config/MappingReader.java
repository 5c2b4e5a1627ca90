package dev.zentinel.proxy.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Typed access to one YAML mapping of the config. Every accessor validates and, on a bad value,
 * records a problem and returns the default, so binding continues and reports all problems of
 * a file at once. Keys not in the allowed set are reported on construction.
 */
final class MappingReader {

    private static final Pattern DECIMAL_INTEGER = Pattern.compile("[+-]?(0|[1-9][0-9]*)");

    private final YamlNode.Mapping mapping;
    private final String path;
    private final Problems problems;

    private MappingReader(YamlNode.Mapping mapping, String path, Problems problems) {
        this.mapping = mapping;
        this.path = path;
        this.problems = problems;
    }

    /**
     * @return a reader, or null when {@code node} is not a mapping (the problem is recorded)
     */
    static MappingReader of(YamlNode node, String path, Problems problems, Set<String> allowedKeys) {
        if (!(node instanceof YamlNode.Mapping)) {
            problems.add(node == null ? YamlNode.Location.UNKNOWN : node.location, path,
                    "expected a mapping of keys, got " + (node == null ? "nothing" : node.kind()));
            return null;
        }
        YamlNode.Mapping mapping = (YamlNode.Mapping) node;
        for (YamlNode.Entry e : mapping.entries().values()) {
            if (!allowedKeys.contains(e.key())) {
                problems.add(e.keyLocation(), path, "unknown key '" + e.key() + "'" + suggestion(e.key(), allowedKeys));
            }
        }
        return new MappingReader(mapping, path, problems);
    }

    YamlNode.Location location() {
        return mapping.location;
    }

    String path() {
        return path;
    }

    String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        YamlNode node = mapping.get(key);
        return node != null && !isNull(node);
    }

    YamlNode node(String key) {
        return mapping.get(key);
    }

    YamlNode.Location locationOf(String key) {
        YamlNode node = mapping.get(key);
        return node != null ? node.location : mapping.location;
    }

    void problem(String key, String message) {
        problems.add(locationOf(key), path(key), message);
    }

    /** A scalar as text (numbers and booleans too: "x-env: 1" means the string "1"), or null when absent. */
    String string(String key) {
        YamlNode node = mapping.get(key);
        if (node == null || isNull(node)) {
            return null;
        }
        if (!(node instanceof YamlNode.Scalar)) {
            problem(key, "expected a string, got " + node.kind());
            return null;
        }
        return ((YamlNode.Scalar) node).text;
    }

    String string(String key, String defaultValue) {
        String s = string(key);
        return s == null ? defaultValue : s;
    }

    String requiredString(String key) {
        if (!has(key)) {
            problems.add(mapping.location, path, "missing required key '" + key + "'");
            return null;
        }
        String s = string(key);
        if (s != null && s.isBlank()) {
            problem(key, "must not be empty");
            return null;
        }
        return s;
    }

    long integer(String key, long defaultValue, long min, long max) {
        YamlNode node = mapping.get(key);
        if (node == null || isNull(node)) {
            return defaultValue;
        }
        if (!(node instanceof YamlNode.Scalar) || ((YamlNode.Scalar) node).type != YamlNode.Scalar.Type.INTEGER) {
            problem(key, "expected an integer, got " + describe(node));
            return defaultValue;
        }
        String text = ((YamlNode.Scalar) node).text;
        if (!DECIMAL_INTEGER.matcher(text).matches()) {
            // YAML also reads 0x10, 0o17, 010 (octal in YAML 1.1) and 1_000; spell numbers one way only.
            problem(key, "write a plain decimal integer, got '" + text + "'");
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            problem(key, "must be between " + min + " and " + max + ", got " + text);
            return defaultValue;
        }
        if (value < min || value > max) {
            problem(key, "must be between " + min + " and " + max + ", got " + value);
            return defaultValue;
        }
        return value;
    }

    int intValue(String key, int defaultValue, int min, int max) {
        return (int) integer(key, defaultValue, min, max);
    }

    long size(String key, long defaultValue, long min, long max) {
        YamlNode node = mapping.get(key);
        if (node == null || isNull(node)) {
            return defaultValue;
        }
        if (node instanceof YamlNode.Scalar && ((YamlNode.Scalar) node).type == YamlNode.Scalar.Type.INTEGER) {
            return integer(key, defaultValue, min, max);
        }
        if (!(node instanceof YamlNode.Scalar) || ((YamlNode.Scalar) node).type != YamlNode.Scalar.Type.STRING) {
            problem(key, "expected a size (e.g. 16384 or 16KiB), got " + describe(node));
            return defaultValue;
        }
        long value;
        try {
            value = ConfigValues.parseSize(((YamlNode.Scalar) node).text);
        } catch (IllegalArgumentException e) {
            problem(key, e.getMessage());
            return defaultValue;
        }
        if (value < min || value > max) {
            problem(key, "must be between " + min + " and " + max + " bytes, got " + value);
            return defaultValue;
        }
        return value;
    }

    Duration duration(String key, Duration defaultValue) {
        return duration(key, defaultValue, false);
    }

    /** {@link #duration(String, Duration)} for a setting where 0 (written with or without a unit) means "none". */
    Duration durationOrZero(String key, Duration defaultValue) {
        return duration(key, defaultValue, true);
    }

    private Duration duration(String key, Duration defaultValue, boolean zeroAllowed) {
        YamlNode node = mapping.get(key);
        if (node == null || isNull(node)) {
            return defaultValue;
        }
        if (zeroAllowed && node instanceof YamlNode.Scalar zero && zero.type == YamlNode.Scalar.Type.INTEGER
                && ConfigValues.isZeroDuration(zero.text)) {
            return Duration.ZERO;
        }
        if (node instanceof YamlNode.Scalar && ((YamlNode.Scalar) node).type == YamlNode.Scalar.Type.INTEGER) {
            problem(key, "a duration needs a unit: write e.g. " + ((YamlNode.Scalar) node).text + "s or "
                    + ((YamlNode.Scalar) node).text + "ms");
            return defaultValue;
        }
        if (!(node instanceof YamlNode.Scalar) || ((YamlNode.Scalar) node).type != YamlNode.Scalar.Type.STRING) {
            problem(key, "expected a duration (e.g. 2s), got " + describe(node));
            return defaultValue;
        }
        try {
            String text = ((YamlNode.Scalar) node).text;
            return zeroAllowed ? ConfigValues.parseDurationOrZero(text) : ConfigValues.parseDuration(text);
        } catch (IllegalArgumentException e) {
            problem(key, e.getMessage());
            return defaultValue;
        }
    }

    boolean bool(String key, boolean defaultValue) {
        YamlNode node = mapping.get(key);
        if (node == null || isNull(node)) {
            return defaultValue;
        }
        if (!(node instanceof YamlNode.Scalar) || ((YamlNode.Scalar) node).type != YamlNode.Scalar.Type.BOOLEAN) {
            problem(key, "expected true or false, got " + describe(node));
            return defaultValue;
        }
        return Boolean.parseBoolean(((YamlNode.Scalar) node).text);
    }

    <E> E choice(String key, E defaultValue, Map<String, E> choices) {
        String s = string(key);
        if (s == null) {
            return defaultValue;
        }
        E value = choices.get(s);
        if (value == null) {
            problem(key, "unknown value '" + s + "' (expected one of: " + String.join(", ", choices.keySet()) + ")");
            return defaultValue;
        }
        return value;
    }

    /** The items of a list (null or absent: empty), or null if the value is not a list. */
    List<YamlNode> list(String key) {
        YamlNode node = mapping.get(key);
        if (node == null || isNull(node)) {
            return List.of();
        }
        if (!(node instanceof YamlNode.Sequence)) {
            problem(key, "expected a list, got " + node.kind());
            return null;
        }
        return ((YamlNode.Sequence) node).items();
    }

    /** A list of scalars as strings; bad items are reported and skipped. */
    List<String> stringList(String key) {
        List<YamlNode> items = list(key);
        if (items == null) {
            return List.of();
        }
        List<String> result = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            YamlNode item = items.get(i);
            if (!(item instanceof YamlNode.Scalar) || ((YamlNode.Scalar) item).type == YamlNode.Scalar.Type.NULL) {
                problems.add(item == null ? locationOf(key) : item.location, path(key) + "[" + i + "]",
                        "expected a string, got " + describe(item));
                continue;
            }
            result.add(((YamlNode.Scalar) item).text);
        }
        return result;
    }

    /**
     * A mapping of strings to strings (e.g. headers). Each entry keeps its key location; its
     * value is a non-null {@link YamlNode.Scalar}.
     */
    List<YamlNode.Entry> stringMap(String key) {
        YamlNode node = mapping.get(key);
        if (node == null || isNull(node)) {
            return List.of();
        }
        if (!(node instanceof YamlNode.Mapping)) {
            problem(key, "expected a mapping, got " + node.kind());
            return List.of();
        }
        List<YamlNode.Entry> result = new ArrayList<>();
        for (YamlNode.Entry e : ((YamlNode.Mapping) node).entries().values()) {
            YamlNode value = e.value();
            if (!(value instanceof YamlNode.Scalar) || ((YamlNode.Scalar) value).type == YamlNode.Scalar.Type.NULL) {
                problems.add(value == null ? e.keyLocation() : value.location, path(key) + "." + e.key(),
                        "expected a string, got " + describe(value));
                continue;
            }
            result.add(e);
        }
        return result;
    }

    static boolean isNull(YamlNode node) {
        return node instanceof YamlNode.Scalar && ((YamlNode.Scalar) node).type == YamlNode.Scalar.Type.NULL;
    }

    private static String describe(YamlNode node) {
        if (node == null) {
            return "nothing";
        }
        if (node instanceof YamlNode.Scalar && ((YamlNode.Scalar) node).text != null) {
            return node.kind() + " '" + ((YamlNode.Scalar) node).text + "'";
        }
        return node.kind();
    }

    /** " (did you mean 'x'?)" for a near miss, else the list of allowed keys. */
    private static String suggestion(String key, Set<String> allowed) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : allowed) {
            int d = editDistance(key, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        if (best != null && bestDistance <= Math.max(1, key.length() / 3)) {
            return " (did you mean '" + best + "'?)";
        }
        return allowed.isEmpty() ? "" : " (expected one of: " + String.join(", ", allowed) + ")";
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
