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
        Duration drainIdleQuiet,
        int successorNice,
        Duration drainSpread,
        int preconnectPerTarget) {

    public static final Duration DEFAULT_READINESS_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_DRAINING_GENERATIONS = 2;
    /**
     * Requests a starting process drives through its own pipeline; it then waits until the JIT
     * compilers have gone quiet. Fewer (3,000) saved CPU before READY but left more compilation
     * for after it, where it cost the p99 (docs/benchmark.md, seventh session); a niced
     * successor on a saturated core does not reach this many and ends by the time budget.
     */
    public static final int DEFAULT_WARMUP_REQUESTS = 10_000;
    public static final Duration DEFAULT_WARMUP_TIMEOUT = Duration.ofSeconds(15);
    /**
     * While draining, an idle keep-alive connection is closed only after this long without a
     * request byte, so a client's next request is not raced by the close.
     */
    public static final Duration DEFAULT_DRAIN_IDLE_QUIET = Duration.ofMillis(500);

    /**
     * A spawned successor starts this much nicer than its predecessor (0 = as nice) and returns to
     * the predecessor's niceness once warmed up: its start-up then takes CPU the serving process
     * leaves idle instead of CPU that traffic needs.
     */
    public static final int DEFAULT_SUCCESSOR_NICE = 10;

    /**
     * After a hand-over the old process tells its open connections to close (after their current
     * response) one after another over this window instead of all at once, so that their clients
     * reconnect to the successor a few at a time (0 = all at once). Cut to half the drain timeout.
     */
    public static final Duration DEFAULT_DRAIN_SPREAD = Duration.ofSeconds(1);

    /**
     * A successor opens this many connections to every upstream target on every event loop
     * before it says READY (bounded by the upstream's max-idle-per-target; 0 = none), so its
     * first requests do not all wait for a connect.
     */
    public static final int DEFAULT_PRECONNECT_PER_TARGET = 4;

    /** The knobs that existed before drain-spread and preconnect-per-target; those two take their defaults. */
    public UpgradeConfig(Duration readinessTimeout, Duration drainTimeout, int maxDrainingGenerations,
            int warmupRequests, Duration warmupTimeout, Duration drainIdleQuiet, int successorNice) {
        this(readinessTimeout, drainTimeout, maxDrainingGenerations, warmupRequests, warmupTimeout, drainIdleQuiet,
                successorNice, DEFAULT_DRAIN_SPREAD, DEFAULT_PRECONNECT_PER_TARGET);
    }

    public static UpgradeConfig defaults() {
        return new UpgradeConfig(DEFAULT_READINESS_TIMEOUT, DEFAULT_DRAIN_TIMEOUT, DEFAULT_MAX_DRAINING_GENERATIONS,
                DEFAULT_WARMUP_REQUESTS, DEFAULT_WARMUP_TIMEOUT, DEFAULT_DRAIN_IDLE_QUIET, DEFAULT_SUCCESSOR_NICE,
                DEFAULT_DRAIN_SPREAD, DEFAULT_PRECONNECT_PER_TARGET);
    }
}
