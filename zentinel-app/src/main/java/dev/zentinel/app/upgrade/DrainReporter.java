package dev.zentinel.app.upgrade;

import dev.zentinel.app.control.ControlClient;
import dev.zentinel.app.control.ControlClientException;
import dev.zentinel.app.control.ControlProtocol;
import dev.zentinel.app.control.ControlRequest;
import dev.zentinel.app.control.ControlResponse;
import dev.zentinel.app.control.DomainSockets;
import dev.zentinel.app.control.NoRunningInstanceException;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The old side of a drain report: sends the figures to whichever process now owns the control
 * socket. The successor publishes that socket only after our acknowledgement of its READY, so a
 * drain that ends at once (nothing was open) may find no socket yet: then this waits, bounded,
 * for the socket file to appear (a directory watch, no polling loop) and tries again. Any
 * failure is logged with the figures, so they are never lost entirely; it never fails the exit.
 */
public final class DrainReporter {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** One connect-and-answer exchange never waits longer than this, even with more budget left. */
    static final Duration EXCHANGE_TIMEOUT = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(DrainReporter.class);

    private final DomainSockets sockets;
    private final ControlProtocol protocol;

    public DrainReporter(DomainSockets sockets, ControlProtocol protocol) {
        this.sockets = sockets;
        this.protocol = protocol;
    }

    /**
     * Sends {@code report} to the control socket at {@code controlSocket}, trying for at most
     * {@code timeout} in all; returns whether the receiver counted it.
     */
    public boolean report(Path controlSocket, DrainReport report, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ControlRequest request = new ControlRequest(DrainReport.COMMAND, report.toArguments(protocol.mapper().createObjectNode()));
        try (ControlClient client = new ControlClient(sockets, protocol);
                SocketAppearance appearance = SocketAppearance.watch(controlSocket)) {
            while (true) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    log.warn("drain report not delivered within {} ms (no serving instance at {}): {}",
                            timeout.toMillis(), controlSocket, report.summary());
                    return false;
                }
                try {
                    ControlResponse response = client.send(controlSocket, request,
                            Duration.ofNanos(Math.min(remaining, EXCHANGE_TIMEOUT.toNanos())));
                    if (response.ok()) {
                        log.info("drain reported to the serving instance: {}", report.summary());
                        return true;
                    }
                    log.warn("drain report refused by the serving instance ({}): {}", response.error(),
                            report.summary());
                    return false;
                } catch (NoRunningInstanceException e) {
                    // The successor has not published its socket yet (or it is stale): wait for a change.
                    appearance.await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                }
            }
        } catch (ControlClientException e) {
            log.warn("drain report not delivered ({}): {}", e.getMessage(), report.summary());
            return false;
        } catch (IOException e) {
            log.warn("drain report not delivered (cannot watch {}: {}): {}", controlSocket.getParent(),
                    e.getMessage(), report.summary());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("drain report interrupted: {}", report.summary());
            return false;
        }
    }

    /** Waits for the socket file to be created or replaced in its directory. */
    private static final class SocketAppearance implements AutoCloseable {

        private final WatchService watcher;
        private final Path fileName;

        private SocketAppearance(WatchService watcher, Path fileName) {
            this.watcher = watcher;
            this.fileName = fileName;
        }

        static SocketAppearance watch(Path socket) throws IOException {
            WatchService watcher = FileSystems.getDefault().newWatchService();
            try {
                // A rename onto the path (how a control socket is published) shows as ENTRY_CREATE.
                socket.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_MODIFY);
                return new SocketAppearance(watcher, socket.getFileName());
            } catch (IOException | RuntimeException e) {
                watcher.close();
                throw e;
            }
        }

        /** Returns when the socket's name was created or changed, or when {@code timeout} is over. */
        void await(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                for (long left = timeout.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                    WatchKey key = watcher.poll(left, TimeUnit.NANOSECONDS);
                    if (key == null) {
                        return;
                    }
                    boolean ours = false;
                    for (WatchEvent<?> event : key.pollEvents()) {
                        ours |= event.kind() == StandardWatchEventKinds.OVERFLOW || fileName.equals(event.context());
                    }
                    key.reset();
                    if (ours) {
                        return;
                    }
                }
            } catch (ClosedWatchServiceException e) {
                // Closed under us: the caller's deadline decides what happens next.
            }
        }

        @Override
        public void close() throws IOException {
            watcher.close();
        }
    }
}
