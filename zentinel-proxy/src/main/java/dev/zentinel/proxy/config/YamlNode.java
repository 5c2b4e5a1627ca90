package dev.zentinel.proxy.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed YAML value that remembers where it was written, so every config problem can point
 * at a line and column. Jackson's own tree ({@code JsonNode}) drops locations, hence this one.
 */
abstract sealed class YamlNode permits YamlNode.Mapping, YamlNode.Sequence, YamlNode.Scalar {

    final Location location;

    YamlNode(Location location) {
        this.location = location;
    }

    /** How the node is described in "expected X, got Y" messages. */
    abstract String kind();

    /** 1-based line and column in the source. */
    record Location(int line, int column) {
        static final Location UNKNOWN = new Location(0, 0);
    }

    /** A key of a mapping with where the key itself was written (unknown-key errors point there). */
    record Entry(String key, Location keyLocation, YamlNode value) {
    }

    static final class Mapping extends YamlNode {
        private final Map<String, Entry> entries = new LinkedHashMap<>();

        Mapping(Location location) {
            super(location);
        }

        /** @return false if the key was already present (the first one is kept) */
        boolean put(Entry entry) {
            return entries.putIfAbsent(entry.key(), entry) == null;
        }

        Map<String, Entry> entries() {
            return Collections.unmodifiableMap(entries);
        }

        YamlNode get(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value();
        }

        @Override
        String kind() {
            return "a mapping";
        }
    }

    static final class Sequence extends YamlNode {
        private final List<YamlNode> items;

        Sequence(Location location, List<YamlNode> items) {
            super(location);
            // Not List.copyOf: an item the reader could not represent is null.
            this.items = Collections.unmodifiableList(new ArrayList<>(items));
        }

        List<YamlNode> items() {
            return items;
        }

        @Override
        String kind() {
            return "a list";
        }
    }

    static final class Scalar extends YamlNode {
        enum Type { STRING, INTEGER, FLOAT, BOOLEAN, NULL }

        final Type type;
        final String text;

        Scalar(Location location, Type type, String text) {
            super(location);
            this.type = type;
            this.text = text;
        }

        @Override
        String kind() {
            switch (type) {
                case STRING:
                    return "a string";
                case INTEGER:
                    return "an integer";
                case FLOAT:
                    return "a decimal number";
                case BOOLEAN:
                    return "a boolean";
                default:
                    return "null";
            }
        }
    }
}
