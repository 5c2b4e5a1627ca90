package dev.zentinel.proxy.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Label;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * The proxy's Prometheus metrics, in a registry of their own (never the JVM-wide default one,
 * so two proxies in one JVM - as in tests - do not share counts).
 *
 * <p>Hot-path methods look up a cached per-route / per-listener holder in a concurrent map and
 * increment pre-resolved data points; the Prometheus label lookup runs only the first time a
 * label combination is seen.
 *
 * <p>Counters survive an upgrade: the old process {@link #exportCounters() exports} every
 * counter series, the new one {@link #importCounters imports} them and adds its own increments.
 */
public final class ProxyMetrics {

    public static final String REQUESTS_TOTAL = "zentinel_requests_total";
    public static final String REQUEST_DURATION_SECONDS = "zentinel_request_duration_seconds";
    public static final String ACTIVE_CONNECTIONS = "zentinel_active_connections";
    public static final String CONNECTIONS_TOTAL = "zentinel_connections_total";
    public static final String CONNECTIONS_REJECTED_TOTAL = "zentinel_connections_rejected_total";
    public static final String UPSTREAM_ERRORS_TOTAL = "zentinel_upstream_errors_total";
    public static final String ACCESS_LOG_DROPPED_TOTAL = "zentinel_access_log_dropped_total";

    /**
     * The route label of requests no route matched (404s) and other null labels. Config names
     * start with a letter or digit, so this cannot collide with a configured name.
     */
    public static final String NO_LABEL = "_none";

    /** Latency buckets in seconds: sub-millisecond proxying up to slow upstream reads. */
    static final double[] DURATION_BUCKETS = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
    };

    private static final int MIN_STATUS = 100;
    private static final int MAX_STATUS = 599;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final LatencyHistogram requestDuration;
    private final Counter connections;
    private final Counter connectionsRejected;
    private final Counter upstreamErrors;
    private final ContinuedCounters counters = new ContinuedCounters();

    private final ConcurrentMap<String, RouteSeries> routeSeries = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ListenerSeries> listenerSeries = new ConcurrentHashMap<>();
    private final AtomicLong activeTotal = new AtomicLong();
    private final PrometheusTextFormatWriter textFormat = PrometheusTextFormatWriter.create();

    public ProxyMetrics() {
        requests = counter(REQUESTS_TOTAL, "HTTP requests answered, by route and status code", "route", "status");
        requestDuration = new LatencyHistogram(REQUEST_DURATION_SECONDS,
                "Time from the request head to the last response byte, by route", "route", DURATION_BUCKETS);
        registry.register(requestDuration);
        // A callback over plain AtomicLongs: Prometheus' Gauge.inc allocates a lambda per call.
        GaugeWithCallback.builder()
                .name(ACTIVE_CONNECTIONS)
                .help("Client connections currently open, by listener")
                .labelNames("listener")
                .callback(callback -> listenerSeries.forEach((listener, series) ->
                        callback.call(series.active.get(), listener)))
                .register(registry);
        connections = counter(CONNECTIONS_TOTAL, "Client connections accepted, by listener", "listener");
        connectionsRejected = counter(CONNECTIONS_REJECTED_TOTAL,
                "Client connections closed at once because the listener was at max-connections", "listener");
        upstreamErrors = counter(UPSTREAM_ERRORS_TOTAL,
                "Failed upstream exchanges, by upstream and kind (connect_refused, connect_timeout, reset, read_timeout)",
                "upstream", "kind");
    }

    /**
     * Creates and registers a counter whose series take part in {@link #exportCounters()} and
     * {@link #importCounters}. Other components (upgrade) use this for counters that must
     * continue across upgrades; imported values for it are applied even when the import came first.
     *
     * @param name the full series name, ending in "_total"
     */
    public Counter counter(String name, String help, String... labelNames) {
        Counter counter = Counter.builder()
                .name(name)
                .help(help)
                .labelNames(labelNames)
                .withoutExemplars()
                .register(registry);
        counters.add(name, counter, labelNames.clone());
        return counter;
    }

    /** @param route the matched route's name, or null when none matched (counted as {@value #NO_LABEL}) */
    public void requestCompleted(String route, int status, long durationNanos) {
        routeSeries(route).record(status, durationNanos);
    }

    /** The series of a route (null: no route matched), created on first use. */
    private RouteSeries routeSeries(String route) {
        String label = route == null ? NO_LABEL : route;
        RouteSeries series = routeSeries.get(label);
        return series != null ? series : routeSeries.computeIfAbsent(label, RouteSeries::new);
    }

    /**
     * The recorder of one route's requests: {@link #requestCompleted} without the look-up by name
     * per request. Its series appear (as with {@code requestCompleted}) once a request is recorded.
     *
     * @param route the route's name, or null for requests no route matched
     */
    public RouteRecorder route(String route) {
        return new RouteRecorder(route);
    }

    /** Records the requests of one route; see {@link #route(String)}. Thread-safe. */
    public final class RouteRecorder {
        /** The route's name; null for requests no route matched. */
        private final String route;
        /** Resolved on first use; threads racing there store the same instance (computeIfAbsent). */
        private RouteSeries series;

        private RouteRecorder(String route) {
            this.route = route;
        }

        public void requestCompleted(int status, long durationNanos) {
            RouteSeries s = series;
            if (s == null) {
                s = routeSeries(route);
                series = s;
            }
            s.record(status, durationNanos);
        }
    }

    public void connectionOpened(String listener) {
        ListenerSeries series = listener(listener);
        series.connections.inc();
        series.active.incrementAndGet();
        activeTotal.incrementAndGet();
    }

    public void connectionClosed(String listener) {
        listener(listener).active.decrementAndGet();
        activeTotal.decrementAndGet();
    }

    public void connectionsRejected(String listener) {
        listener(listener).rejected.inc();
    }

    /** @param kind one of connect_refused, connect_timeout, reset, read_timeout */
    public void upstreamError(String upstream, String kind) {
        upstreamErrors.labelValues(orNone(upstream), orNone(kind)).inc();
    }

    /**
     * Exposes the access log's drop count as {@value #ACCESS_LOG_DROPPED_TOTAL}. The count is the
     * current process's own (it restarts at 0 after an upgrade, which Prometheus treats as a
     * counter reset). Call at most once per instance.
     */
    public void trackAccessLogDrops(LongSupplier dropped) {
        Objects.requireNonNull(dropped, "dropped");
        CounterWithCallback.builder()
                .name(ACCESS_LOG_DROPPED_TOTAL)
                .help("Access log records dropped because the queue was full or writing failed")
                .callback(callback -> callback.call(dropped.getAsLong()))
                .register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** All metrics of {@link #registry()} in the Prometheus text format 0.0.4. */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            textFormat.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The content type of {@link #scrape()}. */
    public static String scrapeContentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    /**
     * Every counter series in the registry (including ones others registered directly), keyed
     * by {@link SeriesKey series key}: the name as exposed plus its labels sorted by name.
     */
    public Map<String, Double> exportCounters() {
        Map<String, Double> result = new LinkedHashMap<>();
        for (MetricSnapshot snapshot : registry.scrape()) {
            if (!(snapshot instanceof CounterSnapshot)) {
                continue;
            }
            String name = snapshot.getMetadata().getPrometheusName() + "_total";
            for (CounterSnapshot.CounterDataPointSnapshot point : ((CounterSnapshot) snapshot).getDataPoints()) {
                Map<String, String> labels = new LinkedHashMap<>();
                for (Label label : point.getLabels()) {
                    labels.put(label.getName(), label.getValue());
                }
                result.put(SeriesKey.format(name, labels), point.getValue());
            }
        }
        return Collections.unmodifiableMap(result);
    }

    /**
     * Adds exported values to this instance's counters, so they continue where the previous
     * process left off. Keys of counters created later through {@link #counter} are kept and
     * applied then; malformed keys, negative or non-finite values are ignored.
     */
    public void importCounters(Map<String, Double> imported) {
        Objects.requireNonNull(imported, "imported");
        counters.importValues(imported);
    }

    /** Client connections open on all listeners. */
    public long activeConnections() {
        return activeTotal.get();
    }

    private static String orNone(String label) {
        return label == null ? NO_LABEL : label;
    }

    private ListenerSeries listener(String listener) {
        if (listener == null) {
            listener = NO_LABEL;
        }
        ListenerSeries series = listenerSeries.get(listener);
        if (series == null) {
            series = listenerSeries.computeIfAbsent(listener, ListenerSeries::new);
        }
        return series;
    }

    /** The data points of one route: the histogram child and one counter per status, created on first use. */
    private final class RouteSeries {
        private final String route;
        private final LatencyHistogram.Series duration;
        private final AtomicReferenceArray<CounterDataPoint> byStatus =
                new AtomicReferenceArray<>(MAX_STATUS - MIN_STATUS + 1);

        RouteSeries(String route) {
            this.route = route;
            this.duration = requestDuration.series(route);
        }

        void record(int status, long durationNanos) {
            requests(status).inc();
            duration.observe(durationNanos);
        }

        CounterDataPoint requests(int status) {
            if (status < MIN_STATUS || status > MAX_STATUS) {
                return requests.labelValues(route, Integer.toString(status));
            }
            int index = status - MIN_STATUS;
            CounterDataPoint point = byStatus.get(index);
            if (point == null) {
                // Racing threads get the same child from labelValues, so either write is fine.
                point = requests.labelValues(route, Integer.toString(status));
                byStatus.set(index, point);
            }
            return point;
        }
    }

    private final class ListenerSeries {
        private final AtomicLong active = new AtomicLong();
        private final CounterDataPoint connections;
        private final CounterDataPoint rejected;

        ListenerSeries(String listener) {
            this.connections = ProxyMetrics.this.connections.labelValues(listener);
            this.rejected = connectionsRejected.labelValues(listener);
        }
    }
}
