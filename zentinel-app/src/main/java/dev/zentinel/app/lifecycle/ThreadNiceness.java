package dev.zentinel.app.lifecycle;

import dev.zentinel.app.runtime.Niceness;
import dev.zentinel.app.runtime.SystemCommand;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.stream.LongStream;

/**
 * Changes the niceness of this process's threads with the system's {@code renice}: on Linux
 * niceness is per thread (all JVM threads inherit the value the process started with), and the
 * JVM offers no way to set it.
 */
final class ThreadNiceness {

    /** The highest niceness, for work that should only ever use idle CPU time. */
    static final int LOWEST_PRIORITY = 19;

    private static final int MAX_ROUNDS = 5;
    private static final Duration RENICE_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_ERROR_BYTES = 2048;

    private final Niceness niceness;
    /** Empty where the system has no renice: every change then reports that, and changes nothing. */
    private final Optional<Path> renice;

    ThreadNiceness(Niceness niceness, Optional<Path> renice) {
        this.niceness = niceness;
        this.renice = renice;
    }

    static ThreadNiceness ofThisProcess() {
        return new ThreadNiceness(Niceness.ofThisProcess(), SystemCommand.find("renice"));
    }

    /**
     * Renices the threads whose kernel names {@code select} accepts, where above {@code target},
     * down to it. Threads started meanwhile inherit from their creator, so a few rounds catch the
     * ones a round missed.
     *
     * @return empty when every selected thread is at {@code target} or below; otherwise why not
     */
    Optional<String> restore(int target, Predicate<String> select) {
        String lastError = "";
        IntPredicate above = nice -> nice > target;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            long[] behind = threads(select, above, target);
            if (behind.length == 0) {
                return Optional.empty();
            }
            lastError = renice(target, behind);
        }
        long left = threads(select, above, target).length;
        return left == 0 ? Optional.empty()
                : Optional.of(left + " thread(s) still above niceness " + target + (lastError.isEmpty() ? "" : ": " + lastError));
    }

    /**
     * Sends the threads whose kernel names {@code select} accepts to the lowest priority (raising
     * a niceness needs no privilege).
     *
     * @return empty on success; otherwise why not
     */
    Optional<String> toBackground(Predicate<String> select) {
        return lowerTo(LOWEST_PRIORITY, select);
    }

    /**
     * Raises the niceness of the threads whose kernel names {@code select} accepts, where below
     * {@code target}, to it (lowering a priority needs no privilege).
     *
     * @return empty on success; otherwise why not
     */
    Optional<String> lowerTo(int target, Predicate<String> select) {
        int bounded = Math.min(LOWEST_PRIORITY, target);
        long[] threads = threads(select, nice -> nice < bounded, bounded);
        if (threads.length == 0) {
            return Optional.empty();
        }
        String error = renice(bounded, threads);
        return error.isEmpty() ? Optional.empty() : Optional.of(error);
    }

    /** Whether every thread whose kernel name {@code select} accepts runs at niceness {@code target} or higher. */
    boolean allAtLeast(int target, Predicate<String> select) {
        return threads(select, nice -> nice < target, target).length == 0;
    }

    /** This process's niceness, when it can be read. */
    OptionalInt processNiceness() {
        return niceness.current();
    }

    /** HotSpot's JIT compiler threads (kernel names are cut at 15 characters). */
    static boolean isCompiler(String threadName) {
        return threadName.startsWith("C1 CompilerThre") || threadName.startsWith("C2 CompilerThre");
    }

    /** The proxy's event loops ("zentinel-io-N"), which carry the warm-up's traffic before READY. */
    static boolean isEventLoop(String threadName) {
        return threadName.startsWith("zentinel-io");
    }

    /** The JVM's primordial and main threads, which keep the launcher's name. */
    static boolean isMain(String threadName) {
        return threadName.equals("java");
    }

    /**
     * This process's threads whose names {@code select} accepts and whose niceness {@code nice}
     * accepts; a thread whose niceness cannot be read (gone meanwhile) counts as {@code unknown}.
     */
    private long[] threads(Predicate<String> select, IntPredicate nice, int unknown) {
        return LongStream.of(niceness.threadIds())
                .filter(tid -> nice.test(niceness.ofThread(tid).orElse(unknown)))
                .filter(tid -> select.test(niceness.threadName(tid).orElse("")))
                .toArray();
    }

    /** Runs renice on the given threads; returns its complaint, if any (a thread that exited meanwhile is one). */
    private String renice(int target, long[] threads) {
        if (renice.isEmpty()) {
            return "no 'renice' command found";
        }
        List<String> command = new ArrayList<>(List.of(renice.get().toString(), "-n", Integer.toString(target), "-p"));
        LongStream.of(threads).forEach(tid -> command.add(Long.toString(tid)));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return "cannot run " + renice.get() + ": " + e.getMessage();
        }
        try {
            if (!process.waitFor(RENICE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return renice.get() + " did not finish within " + RENICE_TIMEOUT.toMillis() + " ms";
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return "interrupted";
        }
        try (InputStream err = process.getErrorStream()) {
            return new String(err.readNBytes(MAX_ERROR_BYTES), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
