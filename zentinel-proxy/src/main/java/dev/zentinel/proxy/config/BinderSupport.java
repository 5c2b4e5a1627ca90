package dev.zentinel.proxy.config;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks shared by the section binders. */
final class BinderSupport {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private BinderSupport() {
    }

    /**
     * The required, well-formed and unique {@code name} of a listener, upstream or route; null
     * (with the problem recorded) otherwise. {@code seen} collects the names of the section.
     */
    static String name(MappingReader r, Map<String, YamlNode.Location> seen, String what) {
        String name = r.requiredString("name");
        if (name == null) {
            return null;
        }
        if (!NAME.matcher(name).matches()) {
            r.problem("name", "'" + name + "' is not a valid " + what
                    + " name (letters, digits, '_', '.', '-'; starts with a letter or digit; at most 64)");
            return null;
        }
        YamlNode.Location previous = seen.putIfAbsent(name, r.locationOf("name"));
        if (previous != null) {
            r.problem("name", "duplicate " + what + " name '" + name + "' (first defined on line " + previous.line() + ")");
            return null;
        }
        return name;
    }

    /** An allowed-key set that keeps its order for messages. */
    static Set<String> keys(String... keys) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(keys)));
    }
}
