package dev.zentinel.proxy.server;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How busy the JIT compilers have been: the CPU time of HotSpot's compiler threads, read from
 * {@code /proc/self/task} on Linux. {@link CompilationMXBean#getTotalCompilationTime()} is not
 * enough to tell whether they are at work: it grows only when a compilation ends, so a window
 * during which one long C2 compilation runs (a second or more of wall time for a large inlining
 * root on a niced, shared core) looks idle. Where {@code /proc} is not readable the bean is the
 * fallback.
 *
 * <p>Not thread-safe: one warm-up reads it from one event loop at a time.
 */
final class CompilerCpu implements LongSupplier {

    /** Linux's USER_HZ, the unit of the times in {@code /proc/PID/task/TID/stat} (100 on every mainstream architecture). */
    static final long CLOCK_TICKS_PER_SECOND = 100;
    /** At most this many threads are looked at per reading, so a JVM with huge thread counts costs bounded time. */
    static final int MAX_THREADS_SCANNED = 4096;

    private final Path tasks;
    /** Last CPU ticks seen per compiler thread: HotSpot stops idle compiler threads, and their time must not vanish. */
    private final Map<String, Long> ticksByThread = new HashMap<>();

    CompilerCpu(Path tasks) {
        this.tasks = tasks;
    }

    /**
     * The best measure this platform offers: compiler thread CPU where {@code /proc} shows it,
     * else the compilation bean's total, else nothing (always 0: every window then looks quiet).
     */
    static LongSupplier forThisProcess() {
        CompilerCpu proc = new CompilerCpu(Path.of("/proc/self/task"));
        if (proc.readable()) {
            return proc;
        }
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit::getTotalCompilationTime : () -> 0L;
    }

    /** Whether any compiler thread could be read (false off Linux, or with an interpreter-only JVM). */
    boolean readable() {
        return scan() && !ticksByThread.isEmpty();
    }

    /** CPU milliseconds the compiler threads have used so far (never decreases). */
    @Override
    public long getAsLong() {
        scan();
        long ticks = 0;
        for (long t : ticksByThread.values()) {
            ticks += t;
        }
        return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
    }

    private boolean scan() {
        int scanned = 0;
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                if (++scanned > MAX_THREADS_SCANNED) {
                    break;
                }
                String stat;
                try {
                    stat = Files.readString(thread.resolve("stat"), StandardCharsets.US_ASCII);
                } catch (IOException | RuntimeException gone) {
                    continue; // the thread ended between listing and reading
                }
                long ticks = compilerTicks(stat);
                if (ticks >= 0) {
                    ticksByThread.merge(thread.getFileName().toString(), ticks, Math::max);
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * User plus system ticks from one {@code stat} line when it is a JIT compiler thread's, else
     * -1. The name sits in parentheses and may itself contain spaces and parentheses, so the
     * fields are counted from the last ')'.
     */
    static long compilerTicks(String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open) {
            return -1;
        }
        String name = stat.substring(open + 1, close);
        if (!isCompiler(name)) {
            return -1;
        }
        // After ")": state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15)
        String[] fields = stat.substring(close + 1).trim().split(" ");
        if (fields.length < 13) {
            return -1;
        }
        try {
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** HotSpot's compiler threads; kernel thread names are cut at 15 characters. */
    static boolean isCompiler(String threadName) {
        return threadName.startsWith("C1 CompilerThre") || threadName.startsWith("C2 CompilerThre");
    }
}
