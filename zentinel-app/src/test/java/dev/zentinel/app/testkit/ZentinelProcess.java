package dev.zentinel.app.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zentinel.app.control.ControlClient;
import dev.zentinel.app.control.ControlProtocol;
import dev.zentinel.app.control.ControlRequest;
import dev.zentinel.app.control.ControlResponse;
import dev.zentinel.app.control.DomainSockets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A long-running {@code bin/zentinel run ...} process of the distribution under test, with its
 * stdout/stderr in files, its status read over the real control socket, and signals delivered
 * by the kernel. Closing it kills the process if it is still alive.
 */
public final class ZentinelProcess implements AutoCloseable {

    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(90);
    public static final Duration DEFAULT_EXIT_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final Path controlSocket;
    private final ControlProtocol protocol = new ControlProtocol();
    private final ControlClient client = new ControlClient(DomainSockets.detect(), protocol);

    private ZentinelProcess(Process process, Path stdout, Path stderr, Path controlSocket) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.controlSocket = controlSocket;
    }

    /**
     * Starts {@code bin/zentinel args...} in {@code workDirectory} (output files are named after
     * {@code label}); {@code controlSocket} is where its status will be asked.
     */
    public static ZentinelProcess start(Distribution distribution, Path workDirectory, String label,
            Path controlSocket, Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>();
        command.add(distribution.launcher().toString());
        command.addAll(List.of(args));
        return startCommand(workDirectory, label, controlSocket, environment, command);
    }

    /** Starts any command that ends up running zentinel in this process (e.g. under systemd-socket-activate). */
    public static ZentinelProcess startCommand(Path workDirectory, String label, Path controlSocket,
            Map<String, String> environment, List<String> command) {
        Path out = workDirectory.resolve(label + ".out");
        Path err = workDirectory.resolve(label + ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDirectory.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().putAll(environment);
        try {
            return new ZentinelProcess(builder.start(), out, err, controlSocket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Convenience: {@code run --config FILE} with the config's control socket. */
    public static ZentinelProcess run(Distribution distribution, Path workDirectory, String label,
            ZentinelConfig config, Path configFile, Map<String, String> environment) {
        config.writeTo(configFile);
        return start(distribution, workDirectory, label, config.controlSocket(), environment,
                "run", "--config", configFile.toString());
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until this very process answers status with state "serving"; fails early if it exits. */
    public ZentinelProcess awaitServing() {
        return awaitServing(DEFAULT_START_TIMEOUT);
    }

    public ZentinelProcess awaitServing(Duration timeout) {
        awaitStatus("pid " + pid() + " serving",
                status -> status.path("pid").asLong() == pid() && "serving".equals(status.path("state").asText()),
                timeout);
        return this;
    }

    /**
     * Waits until the instance answering on the control socket (this process, or a successor it
     * handed over to) reports a status matching {@code condition}, and returns that status.
     * Fails early if this process exits while waiting.
     */
    public JsonNode awaitStatus(String description, Predicate<JsonNode> condition, Duration timeout) {
        AtomicReference<JsonNode> matched = new AtomicReference<>();
        Awaitility.await("zentinel status: " + description)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    JsonNode status = tryStatus();
                    if (status != null && condition.test(status)) {
                        matched.set(status);
                        return true;
                    }
                    if (!process.isAlive()) {
                        throw new AssertionError("zentinel pid " + pid() + " exited with " + process.exitValue()
                                + " while waiting for " + description + "; stderr:\n" + stderr());
                    }
                    return false;
                });
        return matched.get();
    }

    /** The status over the control socket; fails the test if there is none. */
    public JsonNode status() {
        JsonNode status = tryStatus();
        if (status == null) {
            throw new AssertionError("no status from " + controlSocket + "; stderr:\n" + stderr());
        }
        return status;
    }

    private JsonNode tryStatus() {
        try {
            ControlResponse response = client.send(controlSocket, ControlRequest.of("status"), STATUS_TIMEOUT);
            return response.ok() ? response.result() : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** The port a listener actually listens on, from status. */
    public int listenerPort(String name) {
        for (JsonNode listener : status().path("listeners")) {
            if (name.equals(listener.path("name").asText())) {
                String address = listener.path("address").asText();
                return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
            }
        }
        throw new AssertionError("no listener " + name + " in status " + status());
    }

    /** SIGTERM. */
    public void terminate() {
        process.destroy();
    }

    /** Any signal by name (TERM, INT, HUP, ...), delivered with kill(1). */
    public void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-s", name, Long.toString(pid())).inheritIO().start();
            if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -s " + name + " " + pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public int awaitExit() {
        return awaitExit(DEFAULT_EXIT_TIMEOUT);
    }

    /** The exit code; fails the test if the process is still running after {@code timeout}. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("zentinel pid " + pid() + " still running after " + timeout.toSeconds()
                        + " s; stderr:\n" + stderr());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public String stdout() {
        return read(stdout);
    }

    public String stderr() {
        return read(stderr);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "<cannot read " + file + ": " + e.getMessage() + ">";
        }
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            client.close();
        }
    }
}
