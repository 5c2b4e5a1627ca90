package dev.zentinel.proxy.config;

import java.time.Duration;

/**
 * Knobs of the binary upgrade and of graceful stop. Pure data: the proxy module does not act on
 * the handoff itself, it only drains when told.
 */
public record UpgradeConfig(
        Duration readinessTimeout,
        Duration drainTimeout,
        int maxDrainingGenerations,
        int warmupRequests,
        Duration warmupTimeout,
        Duration drainIdleQuiet) {

    public static final Duration DEFAULT_READINESS_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_DRAINING_GENERATIONS = 2;
    public static final int DEFAULT_WARMUP_REQUESTS = 20_000;
    public static final Duration DEFAULT_WARMUP_TIMEOUT = Duration.ofSeconds(10);
    /**
     * While draining, an idle keep-alive connection is closed only after this long without a
     * request byte, so a client's next request is not raced by the close.
     */
    public static final Duration DEFAULT_DRAIN_IDLE_QUIET = Duration.ofMillis(500);

    public static UpgradeConfig defaults() {
        return new UpgradeConfig(DEFAULT_READINESS_TIMEOUT, DEFAULT_DRAIN_TIMEOUT, DEFAULT_MAX_DRAINING_GENERATIONS,
                DEFAULT_WARMUP_REQUESTS, DEFAULT_WARMUP_TIMEOUT, DEFAULT_DRAIN_IDLE_QUIET);
    }
}
