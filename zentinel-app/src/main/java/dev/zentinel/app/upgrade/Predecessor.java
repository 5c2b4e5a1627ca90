package dev.zentinel.app.upgrade;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The running process this one takes over from, as the start-up sequence sees it: it gave us
 * our listeners and state and waits for READY.
 */
public interface Predecessor {

    /** A process still draining after handing over (the predecessor itself or an older one). */
    record Draining(long pid, long generation, Instant since) {
    }

    long pid();

    long generation();

    /** The predecessor and the older generations it still knew to be draining. */
    List<Draining> draining();

    /** The latest drain reports the predecessor had received, newest first (for status only). */
    List<DrainReport> drainReports();

    /**
     * Says READY; completes once the predecessor stopped accepting, or once it is known to be gone
     * (it died after handing over: this process serves alone). Fails if the predecessor aborted
     * the upgrade: then this process must exit without serving.
     */
    CompletableFuture<Void> ready(Duration startup);

    /** Tells the predecessor this process cannot take over, and why; it serves on. */
    void fail(String reason);
}
