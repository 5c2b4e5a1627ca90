package dev.zentinel.proxy.server;

import java.util.function.LongSupplier;

/**
 * Decides when a warm-up has done enough: at least the minimum number of requests, and then on
 * until the JIT compiler has gone quiet, because HotSpot compiles a method with C2 only after
 * thousands of calls and then needs time to do so: a process that takes traffic while the C2
 * queue is still long serves from slower code for seconds. Bounded by a maximum number of
 * requests (and, by the caller, by time).
 *
 * <p>It also paces the warm-up: after a window in which the compilers were busy it asks for a
 * pause (a share of the time the window spent sending requests, {@code yieldPercent}), so that
 * the compilers, not more warm-up requests running in not-yet-compiled code, get the CPU; the
 * compilations the warm-up triggered then finish before READY instead of after it.
 */
final class JitSettling {

    /** Requests per measurement window. */
    static final int WINDOW_REQUESTS = 500;
    /** A window is quiet when the JIT spent at most this share of its wall time compiling. */
    static final double QUIET_SHARE = 0.05;
    /** Quiet windows in a row that end the warm-up. */
    static final int QUIET_WINDOWS = 2;

    /** The longest pause asked for after one window: the warm-up's time budget is better spent sending. */
    static final long MAX_PAUSE_NANOS = 1_000_000_000L;
    /** Upper bound of the yield share: the warm-up must still send requests. */
    static final int MAX_YIELD_PERCENT = 90;

    enum Outcome { RUNNING, SETTLED, REQUEST_LIMIT }

    private final int minRequests;
    private final int maxRequests;
    private final LongSupplier compileMillis;
    private final LongSupplier nanoTime;
    private final int yieldPercent;

    private int completed;
    private int quietInARow;
    private long windowStartNanos;
    private long windowStartCompileMillis;
    private Outcome outcome = Outcome.RUNNING;
    /** The pause asked for after the last window and not yet taken. */
    private long pauseNanos;
    /** Pauses taken in the current window, which are not time spent sending. */
    private long pausedInWindowNanos;
    private long pausedTotalNanos;

    /**
     * @param compileMillis total time the JIT has spent compiling so far, in ms; a supplier that
     *                      always answers 0 (no monitoring) makes every window quiet
     */
    JitSettling(int minRequests, int maxRequests, LongSupplier compileMillis, LongSupplier nanoTime) {
        this(minRequests, maxRequests, compileMillis, nanoTime, 0);
    }

    /**
     * @param yieldPercent after a busy window, pause this share (0..{@value #MAX_YIELD_PERCENT} %)
     *                     of the time spent sending and pausing; 0 never pauses
     */
    JitSettling(int minRequests, int maxRequests, LongSupplier compileMillis, LongSupplier nanoTime, int yieldPercent) {
        if (yieldPercent < 0 || yieldPercent > MAX_YIELD_PERCENT) {
            throw new IllegalArgumentException("yieldPercent must be in 0.." + MAX_YIELD_PERCENT + ", got " + yieldPercent);
        }
        this.yieldPercent = yieldPercent;
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
        long windowNanos = Math.max(0, now - windowStartNanos);
        double windowMillis = Math.max(1, windowNanos / 1_000_000.0);
        boolean quiet = (compiled - windowStartCompileMillis) <= QUIET_SHARE * windowMillis;
        quietInARow = quiet ? quietInARow + 1 : 0;
        long sendingNanos = Math.max(0, windowNanos - pausedInWindowNanos);
        windowStartNanos = now;
        windowStartCompileMillis = compiled;
        pausedInWindowNanos = 0;
        if (completed >= minRequests && quietInARow >= QUIET_WINDOWS) {
            outcome = Outcome.SETTLED;
        }
        // A pause of y/(1-y) of the sending time leaves the share y of the wall time to the compilers.
        pauseNanos = quiet || yieldPercent == 0 ? 0
                : Math.min(MAX_PAUSE_NANOS, sendingNanos * yieldPercent / (100 - yieldPercent));
    }

    /**
     * The pause to take before the next request (0 for none), asked for once per window: the
     * next call answers 0 until another window closes busy. Counted as paused, not sending.
     */
    long takePause() {
        long pause = pauseNanos;
        pauseNanos = 0;
        pausedInWindowNanos += pause;
        pausedTotalNanos += pause;
        return pause;
    }

    /** Time paused so far, in ms. */
    long pausedMillis() {
        return pausedTotalNanos / 1_000_000;
    }

    int completedRequests() {
        return completed;
    }

    Outcome outcome() {
        return outcome;
    }
}
