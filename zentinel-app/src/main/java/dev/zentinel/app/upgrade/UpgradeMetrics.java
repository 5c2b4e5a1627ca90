package dev.zentinel.app.upgrade;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;

/** Upgrade figures for /metrics; registered in the proxy's registry so their counters survive upgrades too. */
public final class UpgradeMetrics {

    private final Counter upgrades;
    private final Histogram handoffDuration;
    private final Counter fdsPassed;

    public UpgradeMetrics(PrometheusRegistry registry) {
        upgrades = Counter.builder()
                .name("zentinel_upgrades_total")
                .help("Binary upgrades requested of this instance, by result")
                .labelNames("result")
                .register(registry);
        handoffDuration = Histogram.builder()
                .name("zentinel_handoff_duration_seconds")
                .help("From upgrade request (or takeover connection) to the successor's READY")
                .classicUpperBounds(0.25, 0.5, 1, 2, 4, 8, 16, 32, 64)
                .register(registry);
        fdsPassed = Counter.builder()
                .name("zentinel_handoff_fds_passed_total")
                .help("Listening sockets handed to successors")
                .register(registry);
    }

    void succeeded(Duration took, int fds) {
        upgrades.labelValues("succeeded").inc();
        handoffDuration.observe(took.toNanos() / 1e9);
        fdsPassed.inc(fds);
    }

    void failed() {
        upgrades.labelValues("failed").inc();
    }

    void refused() {
        upgrades.labelValues("refused").inc();
    }
}
