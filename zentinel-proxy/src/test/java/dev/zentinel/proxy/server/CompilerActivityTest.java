package dev.zentinel.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompilerActivityTest {

    @Test
    void readsThisJvmsCompilerThreads() {
        assumeThat(Path.of("/proc/self/task")).as("Linux /proc").isDirectory();
        CompilerActivity compilers = CompilerActivity.ofThisProcess();
        assertThat(compilers.available()).as("HotSpot names its compiler threads C1/C2 CompilerThreadN").isTrue();
        long before = compilers.sample().cpuNanos();
        assertThat(before).as("a JVM that ran a test framework has compiled something").isPositive();
        assertThat(compilers.sample().cpuNanos()).isGreaterThanOrEqualTo(before);
    }

    @Test
    void sumsOnlyCompilerThreadsAndSeesThemRunning(@TempDir Path tasks) throws Exception {
        // A /proc/PID/task layout as the kernel writes it (comm, stat, schedstat per thread).
        thread(tasks, 101, "java", "S", "500000000");
        thread(tasks, 102, "C2 CompilerThre", "R", "250000000");
        thread(tasks, 103, "C1 CompilerThre", "S", null); // no schedstat: stat's ticks count
        CompilerActivity compilers = new CompilerActivity(tasks);
        assertThat(compilers.available()).isTrue();
        CompilerActivity.Sample sample = compilers.sample();
        assertThat(sample.cpuNanos()).isEqualTo(250_000_000L + (7 + 3) * 10_000_000L);
        assertThat(sample.running()).isTrue();
    }

    @Test
    void noCompilerThreadsMeansNotAvailable(@TempDir Path tasks) throws Exception {
        thread(tasks, 101, "java", "R", "1");
        assertThat(new CompilerActivity(tasks).available()).isFalse();
        assertThat(new CompilerActivity(tasks.resolve("missing")).available()).isFalse();
    }

    private static void thread(Path tasks, long tid, String comm, String state, String schedstat) throws Exception {
        Path dir = Files.createDirectories(tasks.resolve(Long.toString(tid)));
        Files.writeString(dir.resolve("comm"), comm + "\n");
        // Fields after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        Files.writeString(dir.resolve("stat"), tid + " (" + comm + ") " + state + " 1 1 1 0 -1 0 0 0 0 0 7 3 0 0 20 10 1 0\n");
        if (schedstat != null) {
            Files.writeString(dir.resolve("schedstat"), schedstat + " 0 0\n");
        }
    }
}
