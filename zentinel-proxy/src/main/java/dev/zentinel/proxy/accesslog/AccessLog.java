package dev.zentinel.proxy.accesslog;

import dev.zentinel.proxy.config.AccessLogConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The asynchronous JSON-lines access log. Event loops {@link #log hand records} to a bounded
 * queue and never wait: when the queue is full the record is dropped and counted. One daemon
 * thread formats and writes them in batches, always whole lines per write, so lines do not
 * interleave with other output on the same stream.
 *
 * <p>Rotation: the file is opened once in append mode; rotate with copy-and-truncate.
 */
public final class AccessLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);

    /** How long {@link #close()} waits for the writer to flush what is queued. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** Records formatted per write; bounds the batch buffer. */
    static final int MAX_BATCH = 512;
    /** A batch is written out once its text reaches this size, even if more records wait. */
    static final int FLUSH_CHARS = 64 * 1024;

    private static final AccessLog DISABLED = new AccessLog();

    private final BlockingQueue<AccessRecord> queue;
    private final OutputStream out;
    private final boolean closeOut;
    private final Thread writer;
    private final LongAdder dropped = new LongAdder();
    private volatile boolean closed;
    /** Lines formatted but not yet written; touched only by the writer thread. */
    private int pendingLines;

    /** The disabled log: accepts and forgets everything. */
    private AccessLog() {
        queue = null;
        out = null;
        closeOut = false;
        writer = null;
    }

    private AccessLog(int queueSize, OutputStream out, boolean closeOut, String name) {
        this.queue = new ArrayBlockingQueue<>(queueSize);
        this.out = out;
        this.closeOut = closeOut;
        this.writer = new Thread(this::writeLoop, "zentinel-access-log");
        this.writer.setDaemon(true);
        LOG.debug("Access log writing to {}", name);
    }

    /**
     * A log for the config: disabled gives a no-op instance; path "-" writes to stdout;
     * otherwise the file is opened for appending (parent directories are not created).
     *
     * @throws UncheckedIOException when the file cannot be opened
     */
    public static AccessLog create(AccessLogConfig config) {
        Objects.requireNonNull(config, "config");
        if (!config.enabled()) {
            return DISABLED;
        }
        if (config.queueSize() < 1) {
            throw new IllegalArgumentException("access log queue size must be >= 1: " + config.queueSize());
        }
        AccessLog log;
        if ("-".equals(config.path())) {
            log = new AccessLog(config.queueSize(), System.out, false, "stdout");
        } else {
            Path path = Path.of(config.path());
            try {
                // FileOutputStream, not Files.newOutputStream: an interrupt must not close the file.
                log = new AccessLog(config.queueSize(), new FileOutputStream(path.toFile(), true), true, path.toString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open access log " + path + ": " + e.getMessage(), e);
            }
            if (!Files.isRegularFile(path)) {
                LOG.warn("Access log {} is not a regular file", path);
            }
        }
        log.writer.start();
        return log;
    }

    /** A log writing to the given stream (tests, embedding); the stream is closed with the log. */
    static AccessLog toStream(OutputStream out, int queueSize) {
        AccessLog log = new AccessLog(queueSize, out, true, "stream");
        log.writer.start();
        return log;
    }

    /** Queues the record; never blocks. Dropped (and counted) when the queue is full or the log closed. */
    public void log(AccessRecord record) {
        if (queue == null) {
            return;
        }
        if (closed || !queue.offer(record)) {
            dropped.increment();
        }
    }

    /** Records dropped so far because the queue was full (or the log closed). */
    public long dropped() {
        return dropped.sum();
    }

    /** Whether records are written at all. */
    public boolean enabled() {
        return queue != null;
    }

    /** Stops accepting records and flushes what is queued, waiting at most {@link #DEFAULT_CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }

    /** @return whether the writer finished within the timeout */
    public boolean close(Duration timeout) {
        if (writer == null) {
            return true;
        }
        closed = true;
        // The writer drains the rest of the queue when take() sees the interrupt.
        writer.interrupt();
        try {
            writer.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.warn("Access log writer did not finish within {}; {} records left unwritten", timeout, queue.size());
            return false;
        }
        return true;
    }

    private void writeLoop() {
        List<AccessRecord> batch = new ArrayList<>(MAX_BATCH);
        StringBuilder text = new StringBuilder(FLUSH_CHARS + 1024);
        boolean failed = false;
        try {
            // close() sets closed before interrupting: checking it here covers an interrupt that
            // the output stream swallowed during a write.
            while (!closed) {
                try {
                    batch.add(queue.take());
                } catch (InterruptedException e) {
                    continue;
                }
                failed = writeBatch(batch, text, failed);
            }
            // Closing: write whatever is still queued.
            while (queue.drainTo(batch, MAX_BATCH) > 0) {
                failed = writeBatch(batch, text, failed);
            }
        } finally {
            if (closeOut) {
                try {
                    out.close();
                } catch (IOException e) {
                    LOG.warn("Closing the access log failed: {}", e.toString());
                }
            }
        }
    }

    /** Writes the batch plus whatever else is queued right now; returns whether writing is failing. */
    private boolean writeBatch(List<AccessRecord> batch, StringBuilder text, boolean failing) {
        boolean failed = failing;
        do {
            queue.drainTo(batch, MAX_BATCH - batch.size());
            for (AccessRecord record : batch) {
                JsonLineFormat.append(record, text);
                pendingLines++;
                if (text.length() >= FLUSH_CHARS) {
                    failed = write(text, failed);
                }
            }
            batch.clear();
        } while (!queue.isEmpty());
        failed = write(text, failed);
        try {
            out.flush();
        } catch (IOException e) {
            failed = reportFailure(e, failed);
        }
        return failed;
    }

    private boolean write(StringBuilder text, boolean failing) {
        if (text.length() == 0) {
            return failing;
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        int lines = pendingLines;
        text.setLength(0);
        pendingLines = 0;
        try {
            out.write(bytes);
            if (failing) {
                LOG.info("Access log writing again");
            }
            return false;
        } catch (IOException e) {
            dropped.add(lines);
            return reportFailure(e, failing);
        }
    }

    /** Logs a write failure once per failure streak rather than once per batch. */
    private static boolean reportFailure(IOException e, boolean alreadyFailing) {
        if (!alreadyFailing) {
            LOG.error("Access log write failed (records are lost until it recovers): {}", e.toString());
        }
        return true;
    }
}
