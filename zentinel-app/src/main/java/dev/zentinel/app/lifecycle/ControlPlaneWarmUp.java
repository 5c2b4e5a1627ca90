package dev.zentinel.app.lifecycle;

import dev.zentinel.app.Failures;
import dev.zentinel.app.control.ControlClient;
import dev.zentinel.app.control.ControlCommand;
import dev.zentinel.app.control.ControlProtocol;
import dev.zentinel.app.control.ControlRequest;
import dev.zentinel.app.control.ControlServer;
import dev.zentinel.app.control.ControlServerSettings;
import dev.zentinel.app.control.DomainSockets;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs control-socket exchanges ({@code status}, over a private socket on the control event loop)
 * while the proxy warms up, so that the JIT sees the control plane's channel types, handlers and
 * thread before it compiles the proxy's hot path.
 *
 * <p>Why: the proxy and the control plane share Netty's pipeline code. A successor binds its
 * control socket only after READY (its predecessor holds the path until then), so its first
 * control connections (the socket's own set-up, the predecessor's drain report a second later)
 * used to bring Unix-domain channel classes and another event loop thread to call sites that C2
 * had compiled for TCP channels alone: measured, the successor's compiled epoll dispatch, read and
 * write paths were made not entrant 10-20 ms and again ~1.4 s after READY, and C2 then recompiled
 * them (and compiled on their own the methods they had inlined) under real traffic
 * (docs/benchmark.md). Best effort: a failure here is logged and start-up goes on.
 */
final class ControlPlaneWarmUp implements AutoCloseable {

    /**
     * Pause between two exchanges. A type needs to appear in a profile only a few times before C2
     * compiles the site; an exchange every 25 ms (600 in a warm-up) cost ~1.3 s of CPU that the
     * proxy's warm-up then lacked, this rate costs a tenth of that.
     */
    static final Duration INTERVAL = Duration.ofMillis(250);
    static final int MAX_EXCHANGES = 60;
    static final Duration EXCHANGE_TIMEOUT = Duration.ofSeconds(2);
    static final Duration STOP_WAIT = Duration.ofSeconds(5);
    /** The only command served on the private socket. */
    static final String COMMAND = "status";

    private static final Logger log = LoggerFactory.getLogger(ControlPlaneWarmUp.class);

    private final ControlServer server;
    private final ControlClient client;
    private final ScheduledExecutorService exchanges;
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private volatile String lastFailure = "";

    private ControlPlaneWarmUp(ControlServer server, ControlClient client, ScheduledExecutorService exchanges) {
        this.server = server;
        this.client = client;
        this.exchanges = exchanges;
    }

    /**
     * Binds a private control socket at {@code socket} on {@code group} (the group the real
     * control socket uses) serving {@code status} alone, and starts exchanges on it every
     * {@link #INTERVAL}, at most {@link #MAX_EXCHANGES}. Empty, and logged, when it cannot start.
     */
    static Optional<ControlPlaneWarmUp> start(Path socket, ControlCommand status, long uid, DomainSockets sockets,
            EventLoopGroup group, ControlProtocol protocol) {
        ControlServer server;
        try {
            server = ControlServer.bind(socket, Map.of(COMMAND, status), ControlServerSettings.defaults(), uid,
                    sockets, group, protocol);
        } catch (RuntimeException e) {
            log.info("control plane not warmed up: {}", Failures.describe(e));
            return Optional.empty();
        }
        ControlClient client = new ControlClient(sockets, protocol);
        ScheduledExecutorService exchanges = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "zentinel-control-warmup");
            thread.setDaemon(true);
            return thread;
        });
        ControlPlaneWarmUp warmUp = new ControlPlaneWarmUp(server, client, exchanges);
        exchanges.scheduleWithFixedDelay(warmUp::exchange, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return Optional.of(warmUp);
    }

    private void exchange() {
        if (done.get() + failed.get() >= MAX_EXCHANGES) {
            exchanges.shutdown();
            return;
        }
        try {
            client.send(server.path(), ControlRequest.of(COMMAND), EXCHANGE_TIMEOUT);
            done.incrementAndGet();
        } catch (Exception e) {
            failed.incrementAndGet();
            lastFailure = Failures.describe(e);
        }
    }

    int exchanges() {
        return done.get();
    }

    int failures() {
        return failed.get();
    }

    /** Stops the exchanges (bounded wait), closes the private socket and the client's event loop. */
    @Override
    public void close() {
        exchanges.shutdown();
        try {
            if (!exchanges.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                exchanges.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchanges.shutdownNow();
        }
        try {
            server.close();
        } catch (RuntimeException e) {
            log.warn("closing the warm-up control socket failed: {}", Failures.describe(e));
        }
        client.close();
        if (failed.get() > 0) {
            log.info("control plane warmed up: {} exchange(s), {} failed (last: {})", done.get(), failed.get(),
                    lastFailure);
        } else {
            log.info("control plane warmed up: {} exchange(s)", done.get());
        }
    }
}
