package dev.zentinel.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zentinel.app.Failures;
import dev.zentinel.app.control.ControlProtocol;
import dev.zentinel.app.control.ControlRequest;
import dev.zentinel.app.runtime.RuntimeLayout;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "stop", description = {
        "Stop the running instance gracefully: it stops accepting, drains its connections (bounded by",
        "upgrade.drain-timeout) and exits. Waits until the process has exited."})
final class StopCommand implements Callable<Integer> {

    /** Beyond the instance's drain timeout: closing, flushing the access log, JVM exit. */
    static final Duration EXIT_GRACE = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    RuntimeTarget target;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait for the process to exit (default: its drain timeout + 30s).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        RuntimeLayout layout = RuntimeTarget.resolve(target);
        long started = System.nanoTime();
        JsonNode answer = ControlCall.call(layout, new ControlProtocol(), ControlRequest.of("stop"), REQUEST_TIMEOUT);
        long pid = answer.path("pid").asLong(-1);
        if (pid <= 0) {
            throw new CommandFailure("stop accepted but the instance did not say its pid; cannot wait for it");
        }
        Duration wait = timeout != null ? timeout
                : Duration.ofMillis(answer.path("drainTimeoutMillis").asLong(0)).plus(EXIT_GRACE);
        awaitExit(pid, wait);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        spec.commandLine().getOut().println("zentinel pid " + pid + " stopped in " + millis + " ms");
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    private static void awaitExit(long pid, Duration wait) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty()) {
            return;
        }
        try {
            process.get().onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new CommandFailure("zentinel pid " + pid + " is still running after " + wait.toSeconds()
                    + " s (still draining?)");
        } catch (ExecutionException e) {
            throw new CommandFailure("cannot wait for pid " + pid + ": " + Failures.describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure("interrupted while waiting for pid " + pid + " to exit");
        }
    }
}
