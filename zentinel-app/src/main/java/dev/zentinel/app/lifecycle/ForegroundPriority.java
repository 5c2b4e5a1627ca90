package dev.zentinel.app.lifecycle;

import dev.zentinel.app.runtime.Niceness;
import dev.zentinel.app.runtime.SystemCommand;
import dev.zentinel.app.upgrade.BackgroundStart;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a successor that its predecessor started in the background (see {@link BackgroundStart})
 * back to the predecessor's niceness, for every thread: on Linux niceness is per thread, and the
 * JVM's threads (JIT compilers, GC, event loops) all inherited the background value. Threads
 * started meanwhile inherit from their creator, so a few rounds catch the ones a round missed.
 */
final class ForegroundPriority {

    private static final Logger log = LoggerFactory.getLogger(ForegroundPriority.class);

    private static final int MAX_ROUNDS = 5;
    private static final Duration RENICE_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_ERROR_BYTES = 2048;

    private final Niceness niceness;
    private final Path renice;

    ForegroundPriority(Niceness niceness, Path renice) {
        this.niceness = niceness;
        this.renice = renice;
    }

    /** The niceness to return to, when this process was started in the background. */
    static OptionalInt requested(Map<String, String> environment) {
        String value = environment.get(BackgroundStart.RESTORE_NICE_ENV);
        if (value == null || value.isBlank()) {
            return OptionalInt.empty();
        }
        try {
            int nice = Integer.parseInt(value.trim());
            return nice >= -20 && nice <= 19 ? OptionalInt.of(nice) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * Returns to the niceness the environment names, if it names one. A successor that cannot
     * serves anyway (and says so): a slower successor beats a failed upgrade.
     */
    static void restoreIfRequested(Map<String, String> environment) {
        OptionalInt target = requested(environment);
        if (target.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        Optional<String> problem;
        Optional<Path> renice = SystemCommand.find("renice");
        if (renice.isEmpty()) {
            problem = Optional.of("no 'renice' command found");
        } else {
            try {
                problem = new ForegroundPriority(Niceness.ofThisProcess(), renice.get()).restore(target.getAsInt());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problem = Optional.of("interrupted");
            }
        }
        if (problem.isPresent()) {
            log.warn("could not return to niceness {} after the background start-up; serving anyway: {}",
                    target.getAsInt(), problem.get());
        } else {
            log.info("back to niceness {} after the background start-up ({} ms)", target.getAsInt(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
    }

    /**
     * Renices every thread above {@code target} down to it.
     *
     * @return empty when every thread is at {@code target} or below; otherwise why not
     */
    Optional<String> restore(int target) throws InterruptedException {
        String lastError = "";
        for (int round = 0; round < MAX_ROUNDS; round++) {
            long[] behind = LongStream.of(niceness.threadIds())
                    .filter(tid -> niceness.ofThread(tid).orElse(target) > target).toArray();
            if (behind.length == 0) {
                return Optional.empty();
            }
            lastError = renice(target, behind);
        }
        long left = LongStream.of(niceness.threadIds()).filter(tid -> niceness.ofThread(tid).orElse(target) > target)
                .count();
        return left == 0 ? Optional.empty()
                : Optional.of(left + " thread(s) still above niceness " + target + (lastError.isEmpty() ? "" : ": " + lastError));
    }

    /** Runs renice on the given threads; returns its complaint, if any (a thread that exited meanwhile is one). */
    private String renice(int target, long[] threads) throws InterruptedException {
        List<String> command = new ArrayList<>(List.of(renice.toString(), "-n", Integer.toString(target), "-p"));
        LongStream.of(threads).forEach(tid -> command.add(Long.toString(tid)));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectErrorStream(false).start();
        } catch (IOException e) {
            return "cannot run " + renice + ": " + e.getMessage();
        }
        if (!process.waitFor(RENICE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            return renice + " did not finish within " + RENICE_TIMEOUT.toMillis() + " ms";
        }
        try (InputStream err = process.getErrorStream()) {
            return new String(err.readNBytes(MAX_ERROR_BYTES), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
