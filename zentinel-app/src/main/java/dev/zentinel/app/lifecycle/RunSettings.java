package dev.zentinel.app.lifecycle;

import dev.zentinel.app.upgrade.DrainReporter;
import java.time.Duration;

/**
 * Process-level knobs that are not part of the proxy config.
 *
 * @param eventLoopThreads I/O threads of the proxy (default: the CPUs this process may use)
 * @param startStepTimeout bound of each start-up step (opening listeners, admin endpoint)
 * @param liveProbeTimeout how long a fresh start waits for an existing instance to answer
 * @param drainReportTimeout how long an old generation tries to report its drain figures to the
 *                         serving one before it exits
 */
public record RunSettings(int eventLoopThreads, Duration startStepTimeout, Duration liveProbeTimeout,
        Duration drainReportTimeout) {

    public static final Duration DEFAULT_START_STEP_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_LIVE_PROBE_TIMEOUT = Duration.ofSeconds(5);

    public RunSettings {
        if (eventLoopThreads < 1) {
            throw new IllegalArgumentException("event loop threads must be >= 1: " + eventLoopThreads);
        }
        if (drainReportTimeout.isNegative()) {
            throw new IllegalArgumentException("drain report timeout must not be negative: " + drainReportTimeout);
        }
    }

    public static RunSettings defaults() {
        return withThreads(Runtime.getRuntime().availableProcessors());
    }

    public static RunSettings withThreads(int eventLoopThreads) {
        return new RunSettings(eventLoopThreads, DEFAULT_START_STEP_TIMEOUT, DEFAULT_LIVE_PROBE_TIMEOUT,
                DrainReporter.DEFAULT_TIMEOUT);
    }
}
