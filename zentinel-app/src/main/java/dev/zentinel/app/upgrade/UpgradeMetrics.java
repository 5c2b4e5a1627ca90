package dev.zentinel.app.upgrade;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import dev.zentinel.proxy.metrics.ProxyMetrics;
import java.time.Duration;

/** Upgrade figures for /metrics; counters made through the proxy's metrics so they continue across upgrades too. */
public final class UpgradeMetrics {

    private final Counter upgrades;
    private final Histogram handoffDuration;
    private final Counter fdsPassed;

    public UpgradeMetrics(ProxyMetrics metrics) {
        upgrades = metrics.counter("zentinel_upgrades_total", "Binary upgrades requested, by result", "result");
        handoffDuration = Histogram.builder()
                .name("zentinel_handoff_duration_seconds")
                .help("From upgrade request (or takeover connection) to the successor's READY")
                .classicUpperBounds(0.25, 0.5, 1, 2, 4, 8, 16, 32, 64)
                .register(metrics.registry());
        fdsPassed = metrics.counter("zentinel_handoff_fds_passed_total", "Listening sockets handed to successors");
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
