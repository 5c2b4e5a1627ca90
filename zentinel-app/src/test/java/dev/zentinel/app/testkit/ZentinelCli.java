package dev.zentinel.app.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs the distribution's {@code bin/zentinel} as a short-lived command and collects its output. */
public final class ZentinelCli {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(90);

    private final Distribution distribution;
    private final Path workDirectory;
    private final Map<String, String> environment;
    private final AtomicInteger invocations = new AtomicInteger();

    public ZentinelCli(Distribution distribution, Path workDirectory, Map<String, String> environment) {
        this.distribution = distribution;
        this.workDirectory = workDirectory;
        this.environment = Map.copyOf(environment);
    }

    public CliResult run(String... args) {
        return run(DEFAULT_TIMEOUT, args);
    }

    /** Runs {@code zentinel args...}; kills it and fails if it has not finished within {@code timeout}. */
    public CliResult run(Duration timeout, String... args) {
        int n = invocations.incrementAndGet();
        Path out = workDirectory.resolve("cli-" + n + ".out");
        Path err = workDirectory.resolve("cli-" + n + ".err");
        List<String> command = new ArrayList<>();
        command.add(distribution.launcher().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDirectory.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("zentinel " + String.join(" ", args) + " did not finish within "
                        + timeout.toSeconds() + " s; stderr:\n" + Files.readString(err));
            }
            return new CliResult(process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }
}
