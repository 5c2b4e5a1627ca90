package dev.zentinel.app.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zentinel.app.Failures;
import dev.zentinel.app.ZentinelVersion;
import dev.zentinel.app.control.ControlCommand;
import dev.zentinel.app.control.ControlProtocol;
import dev.zentinel.app.control.ControlServer;
import dev.zentinel.app.control.ControlServerSettings;
import dev.zentinel.app.control.DomainSockets;
import dev.zentinel.app.runtime.CurrentProcess;
import dev.zentinel.app.runtime.PidFile;
import dev.zentinel.app.runtime.PrivateDirectory;
import dev.zentinel.app.runtime.RuntimeLayout;
import dev.zentinel.app.runtime.StartupLock;
import dev.zentinel.proxy.config.ProxyConfig;
import dev.zentinel.proxy.server.DrainResult;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one Zentinel process from start to exit: private runtime directory, refusal to run beside
 * a live instance, the proxy, the control socket, the pid file, signals, and the graceful stop
 * (stop accepting, drain bounded by upgrade.drain-timeout, close, flush, remove our runtime files).
 *
 * <p>{@link #run()} blocks the calling thread for the life of the instance and returns the exit
 * code. The stop sequence is the same whether a signal, the {@code stop} command or (later) a
 * successor's READY triggers it.
 */
public final class InstanceRunner {

    private static final Logger log = LoggerFactory.getLogger(InstanceRunner.class);
    /** Extra wait beyond the drain timeout for the drain future itself to report. */
    private static final Duration DRAIN_REPORT_GRACE = Duration.ofSeconds(10);
    private static final Duration CONTROL_GROUP_SHUTDOWN = Duration.ofSeconds(5);

    private final ProxyConfig config;
    private final Launch launch;
    private final RunSettings settings;
    private final CurrentProcess self = CurrentProcess.get();
    private final ControlProtocol protocol = new ControlProtocol();
    private final StateMachine state = new StateMachine();
    private final DrainingGenerations draining = new DrainingGenerations();
    private final StatusReport status;
    private final CompletableFuture<String> stopRequested = new CompletableFuture<>();
    private final CompletableFuture<String> forceRequested = new CompletableFuture<>();

    public InstanceRunner(ProxyConfig config, Launch launch, RunSettings settings) {
        this.config = config;
        this.launch = launch;
        this.settings = settings;
        this.status = new StatusReport(protocol.mapper(), self.pid(), ZentinelVersion.get(), launch.generation(),
                Instant.now(), state, draining);
    }

    /** Starts, serves until asked to stop, stops gracefully; returns the process exit code. */
    public int run() throws StartupException {
        Stopwatch startup = Stopwatch.start();
        // From here on a signal asks for a graceful stop; one arriving during start-up takes effect once started.
        ShutdownSignals.install(this::onSignal);
        log.info("zentinel {} starting: pid {}, generation {}, java {}, {} event loop threads",
                ZentinelVersion.get(), self.pid(), launch.generation(), Runtime.version(),
                settings.eventLoopThreads());
        RuntimeLayout layout = new RuntimeLayout(PrivateDirectory.ensure(config.runtime().directory(), self.uid()));
        DomainSockets sockets = DomainSockets.detect();
        EventLoopGroup controlGroup = sockets.newGroup(1, "zentinel-control");
        PidFile pidFile = new PidFile(layout.pidFile());
        Started started;
        try {
            started = start(layout, sockets, controlGroup, pidFile);
        } catch (StartupException | RuntimeException e) {
            state.transition(InstanceState.STARTING, InstanceState.STOPPED);
            shutdown(controlGroup);
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> removeRuntimeFiles(started.control(), pidFile),
                "zentinel-runtime-files-cleanup"));
        state.transition(InstanceState.STARTING, InstanceState.SERVING);
        log.info("serving in {} ms: listeners {}, control socket {}, pid file {}", startup.millis(),
                started.proxy().listenerAddresses(), layout.controlSocket(), layout.pidFile());

        String reason = stopRequested.join();
        stop(reason, started, pidFile);
        shutdown(controlGroup);
        return 0;
    }

    /** The pieces that exist once the instance serves. */
    private record Started(ProxyInstance proxy, ControlServer control) {
    }

    private Started start(RuntimeLayout layout, DomainSockets sockets, EventLoopGroup controlGroup, PidFile pidFile)
            throws StartupException {
        ProxyInstance proxy = null;
        ControlServer control = null;
        // Only a fresh start must exclude other instances; a successor deliberately starts beside its predecessor.
        try (StartupLock lock = launch.freshStart() ? StartupLock.acquire(layout.startupLock()) : null) {
            if (launch.freshStart()) {
                LiveInstanceGuard.refuseIfRunning(layout.controlSocket(), sockets, protocol,
                        settings.liveProbeTimeout());
                // Published before the (possibly long) warm-up so that status shows "starting" and stop works.
                control = bindControl(layout, sockets, controlGroup);
            }
            proxy = ProxyInstance.create(config, launch, settings.eventLoopThreads());
            status.attach(proxy);
            startProxy(proxy);
            if (control == null) {
                control = bindControl(layout, sockets, controlGroup);
            }
            pidFile.write(self.pid());
            return new Started(proxy, control);
        } catch (StartupException | RuntimeException e) {
            closeQuietly(control);
            if (proxy != null) {
                try {
                    proxy.close();
                } catch (RuntimeException closeFailure) {
                    e.addSuppressed(closeFailure);
                }
            }
            throw e;
        }
    }

    private ControlServer bindControl(RuntimeLayout layout, DomainSockets sockets, EventLoopGroup controlGroup) {
        return ControlServer.bind(layout.controlSocket(), commands(), ControlServerSettings.defaults(), self.uid(),
                sockets, controlGroup, protocol);
    }

    private void startProxy(ProxyInstance proxy) throws StartupException {
        try {
            proxy.start(launch, status::json, settings.startStepTimeout());
        } catch (TimeoutException e) {
            throw new StartupException("start-up step did not finish within "
                    + settings.startStepTimeout().toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted during start-up", e);
        } catch (Exception e) {
            throw new StartupException("cannot start: " + Failures.describe(e), e);
        }
    }

    private Map<String, ControlCommand> commands() {
        return Map.of(
                "status", request -> CompletableFuture.completedFuture(status.snapshot()),
                "stop", request -> CompletableFuture.completedFuture(requestStop("stop command")));
    }

    /**
     * Begins the graceful stop (idempotent) and describes it for the caller. Asked during
     * start-up, the stop begins as soon as the instance has started.
     */
    private JsonNode requestStop(String reason) {
        stopRequested.complete(reason);
        state.transition(InstanceState.SERVING, InstanceState.DRAINING);
        ObjectNode answer = protocol.mapper().createObjectNode();
        answer.put("pid", self.pid());
        answer.put("state", state.current().label());
        answer.put("drainTimeoutMillis", config.upgrade().drainTimeout().toMillis());
        return answer;
    }

    private void onSignal(String signal) {
        if (state.current() == InstanceState.DRAINING) {
            log.warn("{} while draining: closing the remaining connections now", signal);
            forceRequested.complete(signal);
            return;
        }
        log.info("{} received", signal);
        requestStop(signal);
    }

    private void stop(String reason, Started started, PidFile pidFile) {
        Stopwatch stopping = Stopwatch.start();
        state.transition(InstanceState.SERVING, InstanceState.DRAINING);
        Duration drainTimeout = config.upgrade().drainTimeout();
        log.info("stopping ({}): closing listeners, draining {} connections for at most {} ms", reason,
                started.proxy().activeConnections(), drainTimeout.toMillis());
        started.proxy().stopAccepting();
        awaitDrain(started.proxy().drain(drainTimeout), drainTimeout);
        Stopwatch closing = Stopwatch.start();
        // Each step runs even if an earlier one failed: a half-closed instance must still exit.
        closeStep("proxy", () -> started.proxy().close());
        closeStep("control socket", () -> started.control().close());
        closeStep("pid file", () -> pidFile.removeIfOwnedBy(self.pid()));
        log.info("closed in {} ms", closing.millis());
        state.transition(InstanceState.DRAINING, InstanceState.STOPPED);
        log.info("stopped in {} ms", stopping.millis());
    }

    private void awaitDrain(CompletableFuture<DrainResult> drain, Duration drainTimeout) {
        CompletableFuture<Object> drainedOrForced = CompletableFuture.anyOf(drain, forceRequested);
        try {
            Object outcome = drainedOrForced.get(drainTimeout.plus(DRAIN_REPORT_GRACE).toMillis(),
                    TimeUnit.MILLISECONDS);
            if (outcome instanceof DrainResult result) {
                log.info("drained in {} ms: {} connections finished, {} force-closed", result.took().toMillis(),
                        result.closedGracefully(), result.forceClosed());
            } else {
                log.warn("drain cut short by {}", outcome);
            }
        } catch (TimeoutException e) {
            log.warn("drain did not report within {} ms; closing anyway",
                    drainTimeout.plus(DRAIN_REPORT_GRACE).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("interrupted while draining; closing now");
        } catch (Exception e) {
            log.warn("drain failed: {}; closing now", Failures.describe(e));
        }
    }

    /** Last resort on abnormal JVM exit (e.g. SIGHUP): leave no runtime files that name this process. */
    private void removeRuntimeFiles(ControlServer control, PidFile pidFile) {
        if (state.current() == InstanceState.STOPPED) {
            return;
        }
        try {
            control.close();
            pidFile.removeIfOwnedBy(self.pid());
        } catch (RuntimeException e) {
            log.warn("cleanup of runtime files failed: {}", e.getMessage());
        }
    }

    private static void closeStep(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            log.warn("closing {} failed: {}", what, Failures.describe(e), e);
        }
    }

    private static void closeQuietly(ControlServer control) {
        if (control != null) {
            try {
                control.close();
            } catch (RuntimeException e) {
                log.warn("closing control socket failed: {}", e.getMessage());
            }
        }
    }

    private static void shutdown(EventLoopGroup group) {
        group.shutdownGracefully(0, CONTROL_GROUP_SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(CONTROL_GROUP_SHUTDOWN.toMillis() * 2);
    }
}
