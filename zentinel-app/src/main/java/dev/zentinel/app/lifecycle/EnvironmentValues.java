package dev.zentinel.app.lifecycle;

import java.util.Map;
import java.util.OptionalLong;

/** Numbers a predecessor passes to the successor it spawns, read leniently: absent or garbled is absent. */
final class EnvironmentValues {

    private EnvironmentValues() {
    }

    static OptionalLong number(Map<String, String> environment, String name) {
        String value = environment.get(name);
        if (value == null || value.isBlank()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
