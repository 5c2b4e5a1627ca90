package dev.zentinel.proxy.server;

/**
 * Decides when the JIT compilers have finished what a warm-up's requests gave them to do. The
 * warm-up drives its minimum number of requests and then stops sending; from then on it samples
 * the compiler threads ({@link CompilerActivity}) every {@link #SAMPLE_MILLIS} ms and is done once
 * {@link #QUIET_SAMPLES} samples in a row found them quiet: no compiler thread running or waiting
 * for a CPU at the sample, and at most {@link #QUIET_SHARE} of the interval spent on a CPU.
 *
 * <p>Why CPU rather than compilation time, and why stop sending: a successor's compilers run
 * niced, so on a busy core a compilation takes many times its CPU time in wall time, and HotSpot's
 * compilation time (wall) then never fell below a share of the warm-up's windows: the warm-up ran
 * on to its time budget, driving requests (the successor's CPU, taken from the serving process)
 * while the compilers were only waiting for the CPU. Measured by work, the warm-up costs what the
 * requests and their compilations cost, whatever the machine's load stretches them to.
 */
final class JitSettling {

    static final long SAMPLE_MILLIS = 100;
    /** A sample interval is quiet when the compilers used at most this share of it. */
    static final double QUIET_SHARE = 0.05;
    /** Quiet samples in a row that end the wait. */
    static final int QUIET_SAMPLES = 3;

    private long lastCpuNanos = -1;
    private long lastNanos;
    private int quietInARow;
    private int samples;

    /**
     * Feeds one sample taken at {@code nowNanos}; returns whether the compilers have settled. The
     * first sample only sets the baseline.
     */
    boolean sample(CompilerActivity.Sample sample, long nowNanos) {
        samples++;
        if (lastCpuNanos >= 0) {
            long interval = Math.max(1, nowNanos - lastNanos);
            boolean quiet = !sample.running() && sample.cpuNanos() - lastCpuNanos <= QUIET_SHARE * interval;
            quietInARow = quiet ? quietInARow + 1 : 0;
        }
        lastCpuNanos = sample.cpuNanos();
        lastNanos = nowNanos;
        return quietInARow >= QUIET_SAMPLES;
    }

    /** Samples taken so far. */
    int samples() {
        return samples;
    }
}
