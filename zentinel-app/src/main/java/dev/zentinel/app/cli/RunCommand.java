package dev.zentinel.app.cli;

import dev.zentinel.app.control.DomainSockets;
import dev.zentinel.app.lifecycle.BackgroundStartup;
import dev.zentinel.app.runtime.CurrentProcess;
import dev.zentinel.app.lifecycle.InstanceRunner;
import dev.zentinel.app.lifecycle.Launch;
import dev.zentinel.app.lifecycle.RunSettings;
import dev.zentinel.app.lifecycle.StartupException;
import dev.zentinel.app.runtime.RuntimeLayout;
import dev.zentinel.app.systemd.ActivatedListeners;
import dev.zentinel.app.upgrade.InheritedListeners;
import dev.zentinel.app.upgrade.SuccessorCommand;
import dev.zentinel.app.upgrade.Succession;
import dev.zentinel.app.upgrade.UpgradeFailedException;
import dev.zentinel.handoff.HandoffException;
import dev.zentinel.handoff.HandoffLimits;
import dev.zentinel.proxy.config.ConfigException;
import dev.zentinel.proxy.config.ProxyConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", description = {
        "Run the proxy in the foreground until SIGTERM, SIGINT or `zentinel stop` (SIGHUP upgrades).",
        "Without --config it serves the embedded default configuration (127.0.0.1:8080).",
        "With --takeover it takes the listening sockets and state of the instance running with the",
        "same runtime directory; that instance then drains and exits."})
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);
    /** Set by the distribution's launcher script. */
    static final String LAUNCHER_PROPERTY = "zentinel.launcher";

    @Option(names = "--config", paramLabel = "FILE", description = "The config file (default: embedded default).")
    Path config;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Event loop threads (default: one per CPU this process may use).")
    int threads;

    @Option(names = "--takeover",
            description = "Take over from the running instance (same runtime directory) instead of binding.")
    boolean takeover;

    @Override
    public Integer call() throws Exception {
        if (threads < 0) {
            throw new CommandFailure("--threads must be >= 0, got " + threads, ExitCodes.USAGE, null);
        }
        // First, so that a successor started niced keeps its predecessor's deadline however slow the rest is.
        Optional<BackgroundStartup> background = BackgroundStartup.fromEnvironment(System.getenv(), CurrentProcess.age());
        Optional<Path> spawnedBy = Optional.ofNullable(System.getenv(SuccessorCommand.HANDOFF_SOCKET_ENV))
                .filter(s -> !s.isBlank()).map(Path::of);
        ProxyConfig loaded;
        try {
            loaded = ConfigFiles.loadOrDefault(config);
        } catch (ConfigException e) {
            // A spawned successor tells its predecessor why, so `zentinel upgrade` can report it.
            spawnedBy.ifPresent(socket -> rejectHandoff(socket, "configuration rejected: " + e.getMessage()));
            throw e;
        }
        if (config == null) {
            log.info("no --config given: serving the embedded default configuration");
        }
        Optional<Path> handoffSocket = takeover
                ? Optional.of(new RuntimeLayout(loaded.runtime().directory()).handoffSocket())
                : spawnedBy;
        RunSettings settings = threads == 0 ? RunSettings.defaults() : RunSettings.withThreads(threads);
        Launch launch = handoffSocket.isPresent() ? successorLaunch(loaded, handoffSocket.get()) : freshLaunch(loaded);
        try {
            return new InstanceRunner(loaded, launch, settings, runArguments(), launcher(), background).run();
        } catch (StartupException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
    }

    private static Launch successorLaunch(ProxyConfig loaded, Path handoffSocket) {
        Succession succession = connect(handoffSocket);
        try {
            InheritedListeners inherited = succession.adopt(loaded.listeners());
            return new Launch(succession.generation() + 1, inherited.opener(), succession.counters(),
                    Optional.of(succession));
        } catch (HandoffException e) {
            String reason = "cannot adopt the inherited listeners: " + e.getMessage();
            succession.fail(reason);
            throw new CommandFailure(reason, e);
        }
    }

    /** Binds every listener, except those systemd passed in already (socket activation). */
    private static Launch freshLaunch(ProxyConfig loaded) {
        try {
            return ActivatedListeners.fromEnvironment(System.getenv(), ProcessHandle.current().pid(), loaded.listeners())
                    .map(activated -> new Launch(1, activated.opener(), Map.of(), Optional.empty()))
                    .orElseGet(Launch::fresh);
        } catch (HandoffException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
    }

    private static void rejectHandoff(Path handoffSocket, String reason) {
        try {
            connect(handoffSocket).fail(reason);
        } catch (CommandFailure e) {
            log.warn("could not tell the predecessor that this process fails: {}", e.getMessage());
        }
    }

    private static Succession connect(Path handoffSocket) {
        try {
            return Succession.connect(handoffSocket, () -> DomainSockets.detect().newGroup(1, "zentinel-handoff"),
                    HandoffLimits.defaults());
        } catch (UpgradeFailedException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
    }

    /** The command line a successor gets: this one, with the config path made absolute, never --takeover. */
    private List<String> runArguments() {
        List<String> args = new ArrayList<>(List.of("run"));
        if (config != null) {
            args.add("--config");
            args.add(config.toAbsolutePath().toString());
        }
        if (threads > 0) {
            args.add("--threads");
            args.add(Integer.toString(threads));
        }
        return args;
    }

    private static Optional<Path> launcher() {
        return Optional.ofNullable(System.getProperty(LAUNCHER_PROPERTY)).filter(s -> !s.isBlank()).map(Path::of);
    }
}
