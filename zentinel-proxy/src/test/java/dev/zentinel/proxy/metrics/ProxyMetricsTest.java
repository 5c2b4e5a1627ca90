package dev.zentinel.proxy.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyMetricsTest {

    @Test
    void requestsAreCountedByRouteAndStatusWithLatency() {
        ProxyMetrics m = new ProxyMetrics();
        m.requestCompleted("api", 200, 2_000_000);
        m.requestCompleted("api", 200, 3_000_000);
        m.requestCompleted("api", 502, 1_000_000);
        m.requestCompleted("static", 404, 100_000);

        String text = m.scrape();
        assertThat(text).contains("# TYPE zentinel_requests_total counter");
        assertThat(text).contains("zentinel_requests_total{route=\"api\",status=\"200\"} 2.0");
        assertThat(text).contains("zentinel_requests_total{route=\"api\",status=\"502\"} 1.0");
        assertThat(text).contains("zentinel_requests_total{route=\"static\",status=\"404\"} 1.0");
        assertThat(text).contains("# TYPE zentinel_request_duration_seconds histogram");
        assertThat(text).contains("zentinel_request_duration_seconds_count{route=\"api\"} 3");
        assertThat(text).contains("zentinel_request_duration_seconds_sum{route=\"api\"} 0.006");
        assertThat(text).contains("zentinel_request_duration_seconds_bucket{route=\"api\",le=\"0.0025\"} 2");
        assertThat(text).contains("zentinel_request_duration_seconds_bucket{route=\"api\",le=\"+Inf\"} 3");
    }

    @Test
    void unusualStatusCodesAreStillCounted() {
        ProxyMetrics m = new ProxyMetrics();
        m.requestCompleted("r", 999, 1);
        m.requestCompleted("r", 0, 1);
        assertThat(m.scrape()).contains("zentinel_requests_total{route=\"r\",status=\"999\"} 1.0")
                .contains("zentinel_requests_total{route=\"r\",status=\"0\"} 1.0");
    }

    @Test
    void connectionsAreTrackedPerListenerAndInTotal() {
        ProxyMetrics m = new ProxyMetrics();
        m.connectionOpened("http");
        m.connectionOpened("http");
        m.connectionOpened("https");
        m.connectionClosed("http");
        m.connectionsRejected("http");

        assertThat(m.activeConnections()).isEqualTo(2);
        String text = m.scrape();
        assertThat(text).contains("zentinel_active_connections{listener=\"http\"} 1.0");
        assertThat(text).contains("zentinel_active_connections{listener=\"https\"} 1.0");
        assertThat(text).contains("zentinel_connections_total{listener=\"http\"} 2.0");
        assertThat(text).contains("zentinel_connections_rejected_total{listener=\"http\"} 1.0");
    }

    @Test
    void upstreamErrorsByKind() {
        ProxyMetrics m = new ProxyMetrics();
        m.upstreamError("app", "connect_refused");
        m.upstreamError("app", "connect_refused");
        m.upstreamError("app", "read_timeout");
        assertThat(m.scrape())
                .contains("zentinel_upstream_errors_total{kind=\"connect_refused\",upstream=\"app\"} 2.0")
                .contains("zentinel_upstream_errors_total{kind=\"read_timeout\",upstream=\"app\"} 1.0");
    }

    @Test
    void eachInstanceHasItsOwnRegistry() {
        ProxyMetrics a = new ProxyMetrics();
        ProxyMetrics b = new ProxyMetrics();
        a.requestCompleted("r", 200, 1);
        assertThat(a.registry()).isNotSameAs(b.registry()).isNotSameAs(PrometheusRegistry.defaultRegistry);
        assertThat(b.scrape()).doesNotContain("route=\"r\"");
    }

    @Test
    void othersCanRegisterMetricsThatAppearInTheScrape() {
        ProxyMetrics m = new ProxyMetrics();
        Counter upgrades = Counter.builder().name("zentinel_upgrades_total").help("upgrades").labelNames("result")
                .register(m.registry());
        upgrades.labelValues("success").inc();
        assertThat(m.scrape()).contains("zentinel_upgrades_total{result=\"success\"} 1.0");
    }

    @Test
    void exportListsEveryCounterSeriesWithSortedLabels() {
        ProxyMetrics m = new ProxyMetrics();
        m.requestCompleted("api", 200, 1);
        m.connectionOpened("http");
        m.upstreamError("app", "reset");

        Map<String, Double> exported = m.exportCounters();
        assertThat(exported).containsEntry("zentinel_requests_total{route=\"api\",status=\"200\"}", 1.0)
                .containsEntry("zentinel_connections_total{listener=\"http\"}", 1.0)
                .containsEntry("zentinel_upstream_errors_total{kind=\"reset\",upstream=\"app\"}", 1.0);
        // Gauges and histograms are not counters: active connections restart from the real count.
        assertThat(exported.keySet()).noneMatch(k -> k.startsWith("zentinel_active_connections"))
                .noneMatch(k -> k.startsWith("zentinel_request_duration_seconds"));
    }

    @Test
    void importedCountersContinueWithNewIncrements() {
        ProxyMetrics old = new ProxyMetrics();
        for (int i = 0; i < 5; i++) {
            old.requestCompleted("api", 200, 1);
        }
        old.connectionOpened("http");
        old.upstreamError("app", "connect_timeout");

        ProxyMetrics next = new ProxyMetrics();
        next.importCounters(old.exportCounters());
        next.requestCompleted("api", 200, 1);

        String text = next.scrape();
        assertThat(text).contains("zentinel_requests_total{route=\"api\",status=\"200\"} 6.0");
        assertThat(text).contains("zentinel_connections_total{listener=\"http\"} 1.0");
        assertThat(text).contains("zentinel_upstream_errors_total{kind=\"connect_timeout\",upstream=\"app\"} 1.0");
        assertThat(next.activeConnections()).isZero();
        assertThat(next.exportCounters()).containsEntry("zentinel_requests_total{route=\"api\",status=\"200\"}", 6.0);
    }

    @Test
    void importIgnoresUnknownAndMalformedKeys() {
        ProxyMetrics m = new ProxyMetrics();
        Map<String, Double> imported = new HashMap<>();
        imported.put("zentinel_requests_total{route=\"api\"}", 3.0);               // wrong label set
        imported.put("zentinel_requests_total{route=\"api\",status=\"200\"", 3.0); // unterminated
        imported.put("not a key", 3.0);
        imported.put("zentinel_connections_total{listener=\"http\"}", -1.0);       // negative
        imported.put("zentinel_connections_total{listener=\"h2\"}", Double.NaN);
        imported.put("zentinel_connections_total{listener=\"ok\"}", 4.0);
        m.importCounters(imported);

        assertThat(m.exportCounters()).containsOnly(Map.entry("zentinel_connections_total{listener=\"ok\"}", 4.0));
    }

    @Test
    void importedValuesWaitForCountersCreatedLater() {
        ProxyMetrics old = new ProxyMetrics();
        old.counter("zentinel_upgrades_total", "upgrades by result", "result").labelValues("success").inc(3);

        ProxyMetrics next = new ProxyMetrics();
        next.importCounters(old.exportCounters());
        Counter upgrades = next.counter("zentinel_upgrades_total", "upgrades by result", "result");
        upgrades.labelValues("success").inc();
        assertThat(next.scrape()).contains("zentinel_upgrades_total{result=\"success\"} 4.0");
    }

    @Test
    void labelValuesWithQuotesSurviveTheRoundTrip() {
        ProxyMetrics old = new ProxyMetrics();
        old.requestCompleted("we\"ird\\route\n", 200, 1);
        ProxyMetrics next = new ProxyMetrics();
        next.importCounters(old.exportCounters());
        assertThat(next.exportCounters()).isEqualTo(old.exportCounters());
    }

    @Test
    void countersWithoutLabelsRoundTrip() {
        ProxyMetrics old = new ProxyMetrics();
        old.counter("zentinel_handoffs_total", "handoffs").inc(2);
        ProxyMetrics next = new ProxyMetrics();
        next.counter("zentinel_handoffs_total", "handoffs");
        next.importCounters(old.exportCounters());
        assertThat(next.exportCounters()).containsEntry("zentinel_handoffs_total", 2.0);
    }

    @Test
    void nullLabelsAreCountedAsNone() {
        ProxyMetrics m = new ProxyMetrics();
        m.requestCompleted(null, 404, 1);
        m.upstreamError(null, "reset");
        m.connectionOpened(null);
        assertThat(m.scrape()).contains("zentinel_requests_total{route=\"_none\",status=\"404\"} 1.0")
                .contains("zentinel_upstream_errors_total{kind=\"reset\",upstream=\"_none\"} 1.0")
                .contains("zentinel_connections_total{listener=\"_none\"} 1.0");
    }

    @Test
    void routeRecordersShareTheSeriesOfRequestCompletedAndAppearOnFirstUse() {
        ProxyMetrics m = new ProxyMetrics();
        ProxyMetrics.RouteRecorder api = m.route("api");
        ProxyMetrics.RouteRecorder unmatched = m.route(null);
        assertThat(m.scrape()).doesNotContain("route=\"api\"").doesNotContain("route=\"_none\"");
        api.requestCompleted(200, 1_000_000);
        m.requestCompleted("api", 200, 1_000_000);
        api.requestCompleted(503, 1_000_000);
        unmatched.requestCompleted(404, 1_000);
        assertThat(m.scrape())
                .contains("zentinel_requests_total{route=\"api\",status=\"200\"} 2.0")
                .contains("zentinel_requests_total{route=\"api\",status=\"503\"} 1.0")
                .contains("zentinel_request_duration_seconds_count{route=\"api\"} 3")
                .contains("zentinel_requests_total{route=\"_none\",status=\"404\"} 1.0");
    }

    @Test
    void accessLogDropsAreExposed() {
        ProxyMetrics m = new ProxyMetrics();
        java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong(3);
        m.trackAccessLogDrops(dropped::get);
        assertThat(m.scrape()).contains("zentinel_access_log_dropped_total 3.0");
        dropped.set(7);
        assertThat(m.scrape()).contains("zentinel_access_log_dropped_total 7.0");
    }
}
