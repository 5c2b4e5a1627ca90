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
import dev.zentinel.app.runtime.RuntimeLayout;
import dev.zentinel.app.runtime.StartupLock;
import dev.zentinel.app.systemd.ServiceNotifications;
import dev.zentinel.app.upgrade.DrainReportLedger;
import dev.zentinel.app.upgrade.DrainReportsSection;
import dev.zentinel.app.upgrade.DrainingSection;
import dev.zentinel.app.upgrade.Predecessor;
import dev.zentinel.app.upgrade.UpgradeHost;
import dev.zentinel.app.upgrade.UpgradeFailedException;
import dev.zentinel.app.upgrade.UpgradeRequest;
import dev.zentinel.app.upgrade.UpgradeResult;
import dev.zentinel.app.upgrade.SuccessorCommand;
import dev.zentinel.app.upgrade.UpgradeService;
import dev.zentinel.handoff.HandoffOffer;
import dev.zentinel.handoff.InheritedListener;
import dev.zentinel.handoff.ListenerEntry;
import dev.zentinel.handoff.StateSnapshot;
import dev.zentinel.proxy.config.ProxyConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.unix.UnixChannel;
import java.time.Duration;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
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
    private static final Duration CONTROL_GROUP_SHUTDOWN = Duration.ofSeconds(5);
    /** The longest start-up waits for its upstream pools to pre-connect before it accepts anyway. */
    private static final Duration PRECONNECT_BOUND = Duration.ofSeconds(3);

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

    private final List<String> runArguments;
    private final Optional<Path> launcher;
    private final Handover handover = new Handover();
    private volatile RunningInstance started;
    private volatile DrainReportLedger drainReports;
    /** Set when a successor took over: this process's drain is then reported to it. */
    private volatile boolean handedOver;
    private volatile ServiceNotifications notifications;
    /** Present while this process, a successor started in the background, still runs niced. */
    private final Optional<BackgroundStartup> background;
    /** Niced while a hand-over is in flight or a predecessor drains, not while this process serves alone (see CompilerPriority). */
    private final CompilerPriority compilers;

    /**
     * @param runArguments the {@code run} command line, given again to a successor at upgrade
     * @param launcher     the launcher that started this process (empty when not started by one)
     * @param background   present when this process was started niced by its predecessor
     */
    public InstanceRunner(ProxyConfig config, Launch launch, RunSettings settings, List<String> runArguments,
            Optional<Path> launcher, Optional<BackgroundStartup> background) {
        this.config = config;
        this.launch = launch;
        this.settings = settings;
        this.runArguments = List.copyOf(runArguments);
        this.launcher = launcher;
        this.background = background;
        this.compilers = new CompilerPriority(ThreadNiceness.ofThisProcess(), config.upgrade().successorNice(),
                background.map(b -> OptionalInt.of(b.restoreNice())).orElse(OptionalInt.empty()));
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
        RuntimeLayout layout = RuntimeLayout.ensure(config.runtime().directory(), self.uid());
        DomainSockets sockets = DomainSockets.detect();
        EventLoopGroup controlGroup = sockets.newGroup(1, "zentinel-control");
        notifications = ServiceNotifications.fromEnvironment(System.getenv(), controlGroup, self.pid());
        PidFile pidFile = new PidFile(layout.pidFile());
        RunningInstance started;
        try {
            started = start(layout, sockets, controlGroup, pidFile);
        } catch (StartupException | RuntimeException e) {
            launch.predecessor().ifPresent(p -> p.fail(Failures.describe(e)));
            state.transition(InstanceState.STARTING, InstanceState.STOPPED);
            background.ifPresent(BackgroundStartup::close);
            notifications.close();
            shutdown(controlGroup);
            if (stopRequested.isDone()) {
                log.info("stopped during start-up ({}): {}", stopRequested.join(), Failures.describe(e));
                if (launch.freshStart()) {
                    // Ending the start-up is the stop the operator asked for: a supervisor must not
                    // see a failed service. A successor's job was to take over; it did not (exit 1).
                    return 0;
                }
            }
            throw e;
        }
        this.started = started;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> removeRuntimeFiles(started.control(), pidFile),
                "zentinel-runtime-files-cleanup"));
        state.transition(InstanceState.STARTING, InstanceState.SERVING);
        if (!UpgradeSignal.install(this::onUpgradeSignal)) {
            log.warn("SIGHUP was ignored when this process started (nohup?) and stays ignored: "
                    + "kill -HUP will not upgrade it; use `zentinel upgrade`, or start it without nohup "
                    + "(e.g. setsid) to have the signal");
        }
        if (launch.freshStart()) {
            notifications.ready("serving, generation " + launch.generation(), this::healthy);
        }
        log.info("serving in {} ms: listeners {}, control socket {}, pid file {}", startup.millis(),
                started.proxy().listenerAddresses(), layout.controlSocket(), layout.pidFile());

        String reason = stopRequested.join();
        new GracefulStop(config.upgrade(), launch, self.pid(), settings.drainReportTimeout(), protocol, state,
                forceRequested).run(reason, started, pidFile, handedOver, notifications);
        notifications.close();
        shutdown(controlGroup);
        return 0;
    }

    private RunningInstance start(RuntimeLayout layout, DomainSockets sockets, EventLoopGroup controlGroup, PidFile pidFile)
            throws StartupException {
        ProxyInstance proxy = null;
        ControlServer control = null;
        UpgradeService upgrades = null;
        // Only a fresh start must exclude other instances; a successor deliberately starts beside its predecessor.
        try (StartupLock lock = launch.freshStart() ? StartupLock.acquire(layout.startupLock()) : null) {
            if (launch.freshStart()) {
                LiveInstanceGuard.refuseIfRunning(layout.controlSocket(), sockets, protocol,
                        settings.liveProbeTimeout());
                // Published before the (possibly long) warm-up so that status shows "starting" and stop works.
                control = bindControl(layout, sockets, controlGroup);
            }
            proxy = ProxyInstance.create(config, launch, settings.eventLoopThreads());
            DrainReportLedger ledger = new DrainReportLedger(proxy.metrics(), launch.generation(),
                    this::olderGenerationsDraining, DrainReportLedger.DEFAULT_KEEP);
            launch.predecessor().ifPresent(p -> ledger.restore(p.drainReports()));
            drainReports = ledger;
            status.attach(proxy, ledger);
            openListeners(proxy, layout, sockets, controlGroup);
            if (launch.predecessor().isPresent()) {
                takeOverFrom(launch.predecessor().get());
            }
            startAdmin(proxy);
            if (control == null) {
                control = bindControl(layout, sockets, controlGroup);
            }
            upgrades = startUpgrades(proxy, layout, controlGroup);
            pidFile.write(self.pid());
            return new RunningInstance(proxy, control, upgrades, layout);
        } catch (StartupException | RuntimeException e) {
            closeQuietly(upgrades);
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

    /**
     * Warms up the proxy and, alongside, the control plane (a successor started in the background
     * comes to the foreground for it), then accepts.
     */
    private void openListeners(ProxyInstance proxy, RuntimeLayout layout, DomainSockets sockets,
            EventLoopGroup controlGroup) throws StartupException {
        Optional<ControlPlaneWarmUp> controlPlane = ControlPlaneWarmUp.start(layout.warmUpControlSocket(self.pid()),
                commands().get(ControlPlaneWarmUp.COMMAND), self.uid(), sockets, controlGroup, protocol);
        background.ifPresent(BackgroundStartup::warmUpInForeground);
        try {
            // A stop asked meanwhile (SIGTERM, e.g. from a predecessor giving up) ends the warm-up at once.
            step("warming up", () -> proxy.warmUp(settings.startStepTimeout(), readyBy(System.getenv()),
                    stopRequested));
        } finally {
            controlPlane.ifPresent(ControlPlaneWarmUp::close);
        }
        // The JIT compilers: full priority in a fresh start, niced in a successor until its predecessor
        // is gone (see CompilerPriority).
        compilers.warmedUp();
        step("pre-connecting upstreams", () -> proxy.preconnectUpstreams(PRECONNECT_BOUND));
        step("opening listeners", () -> proxy.openListeners(launch, settings.startStepTimeout()));
    }

    /**
     * When the predecessor stops waiting for READY (it told us how long, counted from our spawn):
     * the warm-up is cut short to fit, since a less warm successor beats a killed one.
     */
    static Optional<Instant> readyBy(Map<String, String> environment) {
        OptionalLong within = EnvironmentValues.number(environment, SuccessorCommand.READY_WITHIN_ENV);
        return within.isPresent() && within.getAsLong() > 0
                ? Optional.of(Instant.now().minus(CurrentProcess.age()).plusMillis(within.getAsLong()))
                : Optional.empty();
    }

    private void startAdmin(ProxyInstance proxy) throws StartupException {
        step("starting the admin endpoint", () -> proxy.startAdmin(status::json, settings.startStepTimeout()));
    }

    /**
     * Says READY to the predecessor and waits until it stopped accepting: only then are the admin
     * port, control socket and handoff socket free for this process.
     */
    private void takeOverFrom(Predecessor predecessor) throws StartupException {
        Stopwatch ready = Stopwatch.start();
        notifications.tookOver("serving, generation " + launch.generation() + " (took over from pid "
                + predecessor.pid() + ")", this::healthy);
        // The start-up reported is the whole of it, from the spawn (the launcher execs the JVM under
        // the same pid): JVM boot, configuration and hand-over included, which a niced successor on
        // a busy core may spend most of its time in.
        step("taking over from pid " + predecessor.pid(), () -> predecessor.ready(CurrentProcess.age())
                .get(settings.startStepTimeout().toMillis(), TimeUnit.MILLISECONDS));
        // Our compilers, niced since the background start, return once the predecessor is gone (see CompilerPriority).
        ProcessHandle.of(predecessor.pid()).filter(ProcessHandle::isAlive).ifPresentOrElse(
                p -> p.onExit().thenRun(compilers::predecessorGone), compilers::predecessorGone);
        for (Predecessor.Draining older : predecessor.draining()) {
            Optional<ProcessHandle> process = ProcessHandle.of(older.pid()).filter(ProcessHandle::isAlive);
            if (process.isPresent()) {
                draining.add(new DrainingGenerations.Entry(older.pid(), older.generation(), older.since()));
                process.get().onExit().thenRun(() -> draining.remove(older.pid()));
            }
        }
        log.info("took over from pid {} (generation {}) in {} ms after READY; {} generation(s) still draining",
                predecessor.pid(), predecessor.generation(), ready.millis(), draining.list().size());
    }

    private UpgradeService startUpgrades(ProxyInstance proxy, RuntimeLayout layout, EventLoopGroup group)
            throws StartupException {
        try {
            return UpgradeService.start(handover, proxy.metrics(), config.upgrade(),
                    layout.handoffSocket(), launcher, runArguments, launch.generation(), group);
        } catch (UpgradeFailedException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    /** One bounded start-up step; its failure says which step and why. */
    private static void step(String name, StartupStep body) throws StartupException {
        try {
            body.run();
        } catch (TimeoutException e) {
            throw new StartupException(name + ": did not finish in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException(name + ": interrupted", e);
        } catch (Exception e) {
            throw new StartupException(name + ": " + Failures.describe(e), e);
        }
    }

    @FunctionalInterface
    private interface StartupStep {
        void run() throws Exception;
    }

    private Map<String, ControlCommand> commands() {
        return new ControlCommands(protocol, self.pid(), launch.generation(), status::snapshot, this::requestStop,
                this::upgrade, () -> drainReports).table();
    }

    private List<Predecessor.Draining> olderGenerationsDraining() {
        List<Predecessor.Draining> older = new ArrayList<>();
        for (DrainingGenerations.Entry d : draining.list()) {
            older.add(new Predecessor.Draining(d.pid(), d.generation(), d.drainingSince()));
        }
        return older;
    }

    private CompletableFuture<UpgradeResult> upgrade(UpgradeRequest request) {
        RunningInstance current = started;
        if (current == null) {
            return CompletableFuture.failedFuture(new UpgradeFailedException("still starting"));
        }
        return current.upgrades().upgrade(request);
    }

    private void onUpgradeSignal(String signal) {
        log.info("{} received: upgrading", signal);
        upgrade(UpgradeRequest.defaults()).whenComplete((result, error) -> {
            if (error != null) {
                log.warn("upgrade on {} failed: {}", signal, Failures.describe(error));
            }
        });
    }

    /**
     * Begins the graceful stop (idempotent) and describes it for the caller. Asked during
     * start-up, the stop begins as soon as the instance has started. An upgrade in flight is
     * aborted right here, so that a successor's READY arriving from now on is refused; one whose
     * READY came first has already taken over, and this stop then stops only this process.
     * Never blocks (signal handlers call it).
     */
    private JsonNode requestStop(String reason) {
        stopRequested.complete(reason);
        state.beginDraining();
        RunningInstance current = started;
        if (current != null) {
            current.upgrades().abortForStop(GracefulStop.STOPPING);
        }
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

    /** For the service manager's watchdog: pinging stops once this instance no longer serves. */
    private boolean healthy() {
        InstanceState current = state.current();
        return current == InstanceState.SERVING || current == InstanceState.UPGRADING
                || current == InstanceState.STARTING;
    }

    /** Last resort on abnormal JVM exit (e.g. System.exit elsewhere): leave no runtime files that name this process. */
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

    /**
     * This instance as the upgrade coordinator sees it. The old process hands over its listener
     * sockets as they are: the entry carries the address actually listened on, which the
     * successor compares with its own configuration.
     */
    private final class Handover implements UpgradeHost {

        @Override
        public boolean beginHandover() {
            if (!state.transition(InstanceState.SERVING, InstanceState.UPGRADING)) {
                return false;
            }
            notifications.upgrading();
            compilers.behindHandover();
            return true;
        }

        @Override
        public void handoverFailed(String reason) {
            state.transition(InstanceState.UPGRADING, InstanceState.SERVING);
            compilers.handoverFailed();
            notifications.upgradeFailed(reason);
        }

        @Override
        public HandoffOffer offer() throws UpgradeFailedException {
            RunningInstance current = started;
            if (current == null) {
                throw new UpgradeFailedException("still starting");
            }
            List<InheritedListener> listeners = new ArrayList<>();
            for (Map.Entry<String, ServerChannel> e : current.proxy().listeners().entrySet()) {
                if (!(e.getValue() instanceof UnixChannel unix)) {
                    throw new UpgradeFailedException("the " + current.proxy().transportName()
                            + " transport cannot hand over listening sockets (needs epoll)");
                }
                listeners.add(new InheritedListener(
                        new ListenerEntry(e.getKey(), ProxyInstance.format(e.getValue().localAddress())), unix.fd()));
            }
            StateSnapshot snapshot = new StateSnapshot(launch.generation(), current.proxy().metrics().exportCounters(),
                    Map.of(DrainingSection.NAME, DrainingSection.encode(protocol.mapper(), olderGenerationsDraining()),
                            DrainReportsSection.NAME, DrainReportsSection.encode(protocol.mapper(),
                                    drainReports.recent())));
            return new HandoffOffer(launch.generation(), listeners, snapshot, config.upgrade().readinessTimeout());
        }

        @Override
        public void stopAccepting() {
            RunningInstance current = started;
            handedOver = true;
            state.transition(InstanceState.UPGRADING, InstanceState.DRAINING);
            notifications.handedOver();
            current.proxy().stopAccepting();
            current.proxy().stopAdmin();
            current.control().stopListening();
            current.upgrades().stopListening();
        }

        @Override
        public void drainAndExit(String reason) {
            stopRequested.complete(reason);
            if (handedOver) {
                yieldToSuccessor();
            }
        }

        @Override
        public int drainingGenerations() {
            return draining.list().size();
        }
    }

    /**
     * Once handed over we only drain: our JIT compilers, main thread and control threads go to the
     * lowest priority so that their last work (compiling drain paths, logging, closing) does not
     * take CPU from the successor's first requests. The event loops finishing in-flight requests,
     * and the JVM's own threads (GC), keep their priority.
     */
    private static void yieldToSuccessor() {
        ThreadNiceness.ofThisProcess().toBackground(name -> ThreadNiceness.isCompiler(name)
                        || ThreadNiceness.isMain(name) || name.startsWith("zentinel-control")
                        || name.startsWith("zentinel-upgrade"))
                .ifPresent(problem -> log.info("threads stay at their priority while draining: {}", problem));
    }

    private static void closeQuietly(UpgradeService upgrades) {
        if (upgrades != null) {
            try {
                upgrades.close();
            } catch (RuntimeException e) {
                log.warn("closing handoff socket failed: {}", e.getMessage());
            }
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
