package dev.zentinel.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompilerCpuTest {

    /** A stat line as the kernel writes it; utime is field 14, stime field 15. */
    private static String stat(String name, long utime, long stime) {
        return "4711 (" + name + ") S 1 4700 4700 0 -1 1077936192 120 0 0 0 " + utime + " " + stime
                + " 0 0 30 10 1 0 500 0 0\n";
    }

    @Test
    void readsUserPlusSystemTicksOfCompilerThreadsOnly() {
        assertThat(CompilerCpu.compilerTicks(stat("C2 CompilerThre", 120, 30))).isEqualTo(150);
        assertThat(CompilerCpu.compilerTicks(stat("C1 CompilerThre", 7, 0))).isEqualTo(7);
        assertThat(CompilerCpu.compilerTicks(stat("zentinel-io-1-1", 500, 10))).isEqualTo(-1);
        assertThat(CompilerCpu.compilerTicks(stat("java", 500, 10))).isEqualTo(-1);
    }

    @Test
    void aNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        assertThat(CompilerCpu.compilerTicks(stat("C2 CompilerThre) (x", 3, 4))).isEqualTo(7);
        assertThat(CompilerCpu.compilerTicks("garbage")).isEqualTo(-1);
        assertThat(CompilerCpu.compilerTicks("1 (C2 CompilerThre) S 1 2")).isEqualTo(-1);
        assertThat(CompilerCpu.compilerTicks(stat("C2 CompilerThre", 1, 1).replace(" 1 1 0 0 30", " x 1 0 0 30")))
                .isEqualTo(-1);
    }

    @Test
    void sumsEveryCompilerThreadAndKeepsTheTimeOfOnesThatEnded(@TempDir Path tasks) throws IOException {
        write(tasks, "10", stat("C2 CompilerThre", 100, 20));
        write(tasks, "11", stat("C1 CompilerThre", 30, 0));
        write(tasks, "12", stat("zentinel-io-1-1", 900, 0));
        CompilerCpu cpu = new CompilerCpu(tasks);
        assertThat(cpu.readable()).isTrue();
        assertThat(cpu.getAsLong()).as("150 ticks of 10 ms").isEqualTo(1500);

        // HotSpot stops an idle compiler thread: its time must not vanish from the total.
        Files.delete(tasks.resolve("11").resolve("stat"));
        Files.delete(tasks.resolve("11"));
        write(tasks, "10", stat("C2 CompilerThre", 110, 20));
        assertThat(cpu.getAsLong()).isEqualTo(1600);
    }

    @Test
    void notReadableWithoutCompilerThreads(@TempDir Path tasks) throws IOException {
        write(tasks, "12", stat("zentinel-io-1-1", 900, 0));
        assertThat(new CompilerCpu(tasks).readable()).isFalse();
        assertThat(new CompilerCpu(tasks.resolve("missing")).readable()).isFalse();
    }

    @Test
    void thisJvmsCompilersAreSeenOnLinux() {
        assumeThat(Path.of("/proc/self/task")).as("Linux /proc").isDirectory();
        CompilerCpu cpu = new CompilerCpu(Path.of("/proc/self/task"));
        assertThat(cpu.readable()).as("a JIT-enabled JVM has compiler threads").isTrue();
        long first = cpu.getAsLong();
        assertThat(cpu.getAsLong()).isGreaterThanOrEqualTo(first);
    }

    private static void write(Path tasks, String tid, String stat) throws IOException {
        Files.createDirectories(tasks.resolve(tid));
        Files.writeString(tasks.resolve(tid).resolve("stat"), stat);
    }
}
