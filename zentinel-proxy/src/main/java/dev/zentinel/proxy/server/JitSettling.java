package dev.zentinel.proxy.server;

import java.util.function.LongSupplier;

/**
 * Decides when a warm-up has done enough: at least the minimum number of requests, and then on
 * until the JIT compiler has gone quiet, because HotSpot compiles a method with C2 only after
 * thousands of calls and then needs time to do so: a process that takes traffic while the C2
 * queue is still long serves from slower code for seconds. Bounded by a maximum number of
 * requests (and, by the caller, by time).
 */
final class JitSettling {

    /** Requests per measurement window. */
    static final int WINDOW_REQUESTS = 500;
    /** A window is quiet when the JIT spent at most this share of its wall time compiling. */
    static final double QUIET_SHARE = 0.05;
    /** Quiet windows in a row that end the warm-up. */
    static final int QUIET_WINDOWS = 2;

    enum Outcome { RUNNING, SETTLED, REQUEST_LIMIT }

    private final int minRequests;
    private final int maxRequests;
    private final LongSupplier compileMillis;
    private final LongSupplier nanoTime;

    private int completed;
    private int quietInARow;
    private long windowStartNanos;
    private long windowStartCompileMillis;
    private Outcome outcome = Outcome.RUNNING;

    /**
     * @param compileMillis total time the JIT has spent compiling so far, in ms; a supplier that
     *                      always answers 0 (no monitoring) makes every window quiet
     */
    JitSettling(int minRequests, int maxRequests, LongSupplier compileMillis, LongSupplier nanoTime) {
        this.minRequests = minRequests;
        this.maxRequests = Math.max(minRequests, maxRequests);
        this.compileMillis = compileMillis;
        this.nanoTime = nanoTime;
        this.windowStartNanos = nanoTime.getAsLong();
        this.windowStartCompileMillis = compileMillis.getAsLong();
    }

    /** Counts one completed request; returns whether the warm-up is over. */
    boolean completed() {
        if (outcome != Outcome.RUNNING) {
            return true;
        }
        completed++;
        if (completed % WINDOW_REQUESTS == 0) {
            closeWindow();
        }
        if (completed >= maxRequests && outcome == Outcome.RUNNING) {
            outcome = Outcome.REQUEST_LIMIT;
        }
        return outcome != Outcome.RUNNING;
    }

    private void closeWindow() {
        long now = nanoTime.getAsLong();
        long compiled = compileMillis.getAsLong();
        double windowMillis = Math.max(1, (now - windowStartNanos) / 1_000_000.0);
        boolean quiet = (compiled - windowStartCompileMillis) <= QUIET_SHARE * windowMillis;
        quietInARow = quiet ? quietInARow + 1 : 0;
        windowStartNanos = now;
        windowStartCompileMillis = compiled;
        if (completed >= minRequests && quietInARow >= QUIET_WINDOWS) {
            outcome = Outcome.SETTLED;
        }
    }

    int completedRequests() {
        return completed;
    }

    Outcome outcome() {
        return outcome;
    }
}
