package dev.zentinel.proxy.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.CompilationMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the JIT compiler threads are doing, as the kernel sees them (Linux /proc/self/task): the
 * CPU time they have used so far and whether one of them is running or runnable right now.
 * HotSpot's own measure, the compilation time of {@link CompilationMXBean}, is wall time: a
 * niced compiler thread on a busy core takes much longer per compilation, so that measure calls
 * a JIT busy that has only been waiting for the CPU. Where /proc is missing it falls back to
 * that measure. Not thread-safe: one caller at a time.
 */
final class CompilerActivity {

    /** The compilers' CPU time used so far, and whether one is on (or waiting for) a CPU now. */
    record Sample(long cpuNanos, boolean running) {
    }

    /** Kernel thread names are cut at 15 characters. */
    private static final String C1 = "C1 CompilerThre";
    private static final String C2 = "C2 CompilerThre";
    /** /proc/PID/stat reports CPU time in clock ticks, 100 per second on Linux (USER_HZ). */
    private static final long NANOS_PER_TICK = 10_000_000L;
    /** A bound on the threads remembered (tid -> is a compiler); a JVM has far fewer. */
    private static final int MAX_KNOWN_THREADS = 4096;

    private final Path tasks;
    private final Map<Long, Boolean> isCompiler = new HashMap<>();

    CompilerActivity(Path tasks) {
        this.tasks = tasks;
    }

    static CompilerActivity ofThisProcess() {
        return new CompilerActivity(Path.of("/proc/self/task"));
    }

    /** Whether compiler threads can be found here (Linux with /proc, HotSpot's thread names). */
    boolean available() {
        return compilerIds().containsValue(Boolean.TRUE);
    }

    /** The compilers' state now (zero CPU and not running where none can be read). */
    Sample sample() {
        long cpu = 0;
        boolean running = false;
        for (Map.Entry<Long, Boolean> e : compilerIds().entrySet()) {
            if (!e.getValue()) {
                continue;
            }
            Path task = tasks.resolve(Long.toString(e.getKey()));
            String stat = read(task.resolve("stat"));
            int close = stat == null ? -1 : stat.lastIndexOf(") ");
            if (close < 0) {
                continue; // gone meanwhile
            }
            // After the command name: the state (field 3), ..., utime and stime (fields 14 and 15).
            String[] fields = stat.substring(close + 2).split(" ");
            if (fields.length < 13) {
                continue;
            }
            running |= fields[0].equals("R");
            long nanos = scheduledNanos(task);
            cpu += nanos >= 0 ? nanos : ticks(fields[11]) + ticks(fields[12]);
        }
        return new Sample(cpu, running);
    }

    private static long ticks(String field) {
        try {
            return Long.parseLong(field) * NANOS_PER_TICK;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The thread ids of this process, each with whether it is a compiler thread (names read once per thread). */
    private Map<Long, Boolean> compilerIds() {
        Map<Long, Boolean> now = new HashMap<>();
        try (Stream<Path> entries = Files.list(tasks)) {
            entries.forEach(p -> {
                String name = p.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    long tid = Long.parseLong(name);
                    Boolean known = isCompiler.get(tid);
                    if (known == null) {
                        String comm = read(p.resolve("comm"));
                        known = comm != null && (comm.startsWith(C1) || comm.startsWith(C2));
                    }
                    now.put(tid, known);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return Map.of();
        }
        if (now.size() <= MAX_KNOWN_THREADS) {
            isCompiler.clear();
            isCompiler.putAll(now);
        }
        return now;
    }

    /** The first field of schedstat: nanoseconds on a CPU (finer than stat's 10 ms ticks); -1 without it. */
    private static long scheduledNanos(Path task) {
        String schedstat = read(task.resolve("schedstat"));
        if (schedstat == null) {
            return -1;
        }
        int space = schedstat.indexOf(' ');
        try {
            return Long.parseLong(space < 0 ? schedstat.strip() : schedstat.substring(0, space));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
