package dev.zentinel.proxy.upstream;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection's timeout check: at most one scheduled task, re-armed lazily. Asking for a check
 * at or after the pending one costs nothing (the pending check runs, finds its deadline moved and
 * arms itself again), so the per-request activity updates of a busy connection never touch the
 * event loop's timer queue; only an earlier deadline replaces the pending task.
 *
 * <p>Not thread-safe: use it from the connection's event loop only.
 */
public final class DeadlineTimer {

    private final Runnable check;
    private ScheduledFuture<?> pending;
    private long dueNanos;

    /** @param check runs on the event loop when a deadline is reached; it must call {@link #fired()} first */
    public DeadlineTimer(Runnable check) {
        this.check = check;
    }

    /** Makes sure the check runs no later than {@code dueNanos} ({@link System#nanoTime()} based). */
    public void armBy(EventExecutor executor, long dueNanos) {
        if (pending != null) {
            if (this.dueNanos - dueNanos <= 0) {
                return;
            }
            pending.cancel(false);
        }
        this.dueNanos = dueNanos;
        pending = executor.schedule(check, Math.max(0, dueNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** The check is running: nothing is pending any more. */
    public void fired() {
        pending = null;
    }

    /** Drops the pending check, if any (the connection closed). */
    public void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }
}
