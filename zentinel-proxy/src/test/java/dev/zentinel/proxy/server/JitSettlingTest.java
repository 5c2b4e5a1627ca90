package dev.zentinel.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JitSettlingTest {

    private static final long MS = 1_000_000;
    private final JitSettling settling = new JitSettling();
    private long now;
    private long cpu;

    /** One sample interval of 100 ms in which the compilers used {@code cpuMillis} and ended {@code running} or not. */
    private boolean interval(long cpuMillis, boolean running) {
        now += JitSettling.SAMPLE_MILLIS * MS;
        cpu += cpuMillis * MS;
        return settling.sample(new CompilerActivity.Sample(cpu, running), now);
    }

    @Test
    void settlesAfterThreeQuietIntervalsInARow() {
        assertThat(settling.sample(new CompilerActivity.Sample(cpu, false), now)).as("the baseline only").isFalse();
        assertThat(interval(0, false)).isFalse();
        assertThat(interval(5, false)).as("5 %% of the interval is still quiet").isFalse();
        assertThat(interval(1, false)).isTrue();
        assertThat(settling.samples()).isEqualTo(4);
    }

    @Test
    void compilingOrWaitingForTheCpuIsNotQuiet() {
        settling.sample(new CompilerActivity.Sample(cpu, false), now);
        assertThat(interval(0, false)).isFalse();
        assertThat(interval(0, false)).isFalse();
        assertThat(interval(0, true)).as("a compiler thread runnable at the sample: a niced one may get no CPU for a while")
                .isFalse();
        assertThat(interval(0, false)).isFalse();
        assertThat(interval(10, false)).as("10 %% of the interval: busy, and the count starts again").isFalse();
        assertThat(interval(0, false)).isFalse();
        assertThat(interval(0, false)).isFalse();
        assertThat(interval(0, false)).isTrue();
    }

    @Test
    void longerIntervalsAllowProportionallyMoreCpu() {
        settling.sample(new CompilerActivity.Sample(cpu, false), now);
        for (int i = 0; i < 2; i++) {
            now += 1000 * MS;
            cpu += 40 * MS; // 4 % of a second
            assertThat(settling.sample(new CompilerActivity.Sample(cpu, false), now)).isFalse();
        }
        now += 1000 * MS;
        cpu += 40 * MS;
        assertThat(settling.sample(new CompilerActivity.Sample(cpu, false), now)).isTrue();
    }
}
