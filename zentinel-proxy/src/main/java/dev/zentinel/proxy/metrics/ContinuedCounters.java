package dev.zentinel.proxy.metrics;

import io.prometheus.metrics.core.metrics.Counter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The counters that continue across upgrades: known by name, plus imported values waiting for
 * a counter that has not been created yet (another component may create its counters after
 * the snapshot was imported).
 */
final class ContinuedCounters {

    /** Bounds what a malformed or hostile snapshot can make us hold. */
    private static final int MAX_PENDING = 100_000;

    private final Map<String, KnownCounter> byName = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Double>> pendingByName = new ConcurrentHashMap<>();

    synchronized void add(String name, Counter counter, String[] labelNames) {
        KnownCounter known = new KnownCounter(counter, labelNames);
        byName.put(name, known);
        Map<String, Double> pending = pendingByName.remove(name);
        if (pending != null) {
            pending.forEach((key, value) -> known.add(SeriesKey.parse(key), value));
        }
    }

    synchronized void importValues(Map<String, Double> imported) {
        int pendingCount = pendingByName.values().stream().mapToInt(Map::size).sum();
        for (Map.Entry<String, Double> e : imported.entrySet()) {
            Double value = e.getValue();
            if (value == null || !Double.isFinite(value) || value < 0) {
                continue;
            }
            SeriesKey key = SeriesKey.parse(e.getKey());
            if (key == null) {
                continue;
            }
            KnownCounter counter = byName.get(key.name());
            if (counter != null) {
                counter.add(key, value);
            } else if (pendingCount < MAX_PENDING) {
                pendingByName.computeIfAbsent(key.name(), n -> new LinkedHashMap<>()).merge(e.getKey(), value, Double::sum);
                pendingCount++;
            }
        }
    }

    private record KnownCounter(Counter counter, String[] labelNames) {
        void add(SeriesKey key, double value) {
            if (key == null || value <= 0) {
                return;
            }
            String[] values = key.labelValuesFor(labelNames);
            if (values == null) {
                return;
            }
            if (values.length == 0) {
                counter.inc(value);
            } else {
                counter.labelValues(values).inc(value);
            }
        }
    }
}
