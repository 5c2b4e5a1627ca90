package dev.zentinel.app.cli;

import dev.zentinel.app.lifecycle.InstanceRunner;
import dev.zentinel.app.lifecycle.Launch;
import dev.zentinel.app.lifecycle.RunSettings;
import dev.zentinel.app.lifecycle.StartupException;
import dev.zentinel.proxy.config.ProxyConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", description = {
        "Run the proxy in the foreground until SIGTERM, SIGINT or `zentinel stop`.",
        "Without --config it serves the embedded default configuration (127.0.0.1:8080)."})
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = "--config", paramLabel = "FILE", description = "The config file (default: embedded default).")
    Path config;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Event loop threads (default: one per CPU this process may use).")
    int threads;

    @Override
    public Integer call() throws Exception {
        if (threads < 0) {
            throw new CommandFailure("--threads must be >= 0, got " + threads, ExitCodes.USAGE, null);
        }
        ProxyConfig loaded = ConfigFiles.loadOrDefault(config);
        if (config == null) {
            log.info("no --config given: serving the embedded default configuration");
        }
        RunSettings settings = threads == 0 ? RunSettings.defaults() : RunSettings.withThreads(threads);
        try {
            return new InstanceRunner(loaded, Launch.fresh(), settings).run();
        } catch (StartupException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
    }
}
