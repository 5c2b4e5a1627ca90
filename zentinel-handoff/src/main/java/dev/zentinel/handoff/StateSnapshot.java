package dev.zentinel.handoff;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Runtime state that survives an upgrade.
 *
 * @param generation the producer's generation (the successor runs generation + 1)
 * @param counters   monotonic metric counters by name, so they continue instead of resetting
 * @param sections   opaque named state for later features (health state, ticket keys, ...); each
 *                   feature owns its section's format. Dropped when written as snapshot format 1.
 */
public record StateSnapshot(long generation, Map<String, Double> counters, Map<String, String> sections) {

    public StateSnapshot {
        if (generation < 0) {
            throw new IllegalArgumentException("generation must be >= 0, got " + generation);
        }
        counters = sortedCopy(counters, "counters");
        sections = sortedCopy(sections, "sections");
        for (Map.Entry<String, Double> c : counters.entrySet()) {
            if (!Double.isFinite(c.getValue())) {
                throw new IllegalArgumentException("counter '" + c.getKey() + "' is not a finite number: " + c.getValue());
            }
        }
    }

    public static StateSnapshot empty(long generation) {
        return new StateSnapshot(generation, Map.of(), Map.of());
    }

    private static <V> Map<String, V> sortedCopy(Map<String, V> source, String what) {
        if (source == null) {
            return Collections.emptySortedMap();
        }
        TreeMap<String, V> copy = new TreeMap<>();
        for (Map.Entry<String, V> e : source.entrySet()) {
            Objects.requireNonNull(e.getKey(), () -> what + " contains a null name");
            Objects.requireNonNull(e.getValue(), () -> what + " '" + e.getKey() + "' has a null value");
            copy.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableSortedMap(copy);
    }
}
