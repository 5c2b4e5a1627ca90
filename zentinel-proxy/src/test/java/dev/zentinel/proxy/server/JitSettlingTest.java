package dev.zentinel.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JitSettlingTest {

    /** A fake clock and compile-time counter the test advances by hand. */
    private long nanos;
    private long compileMillis;

    private JitSettling settling(int min, int max) {
        return new JitSettling(min, max, () -> compileMillis, () -> nanos);
    }

    /** Completes one window of requests taking {@code windowMillis}, of which the JIT compiled {@code compiling}. */
    private boolean window(JitSettling s, long windowMillis, long compiling) {
        boolean over = false;
        for (int i = 0; i < JitSettling.WINDOW_REQUESTS; i++) {
            over = s.completed();
        }
        nanos += windowMillis * 1_000_000;
        compileMillis += compiling;
        return over;
    }

    @Test
    void endsOnceTheMinimumIsDoneAndTheJitWasQuietForTwoWindows() {
        JitSettling s = settling(1000, 100_000);
        // Windows are evaluated when their last request completes; the clock moves after it.
        nanos += 100_000_000;
        assertThat(window(s, 100, 0)).isFalse();
        assertThat(window(s, 100, 0)).as("quiet twice, but the minimum is only reached now").isTrue();
        assertThat(s.outcome()).isEqualTo(JitSettling.Outcome.SETTLED);
        assertThat(s.completedRequests()).isEqualTo(1000);
    }

    @Test
    void goesOnPastTheMinimumWhileTheJitIsBusy() {
        JitSettling s = settling(500, 100_000);
        for (int i = 0; i < 10; i++) {
            compileMillis += 50; // half of every 100 ms window spent compiling
            nanos += 100_000_000;
            assertThat(window(s, 0, 0)).isFalse();
        }
        nanos += 100_000_000;
        compileMillis += 1; // 1 % of the window: quiet
        assertThat(window(s, 0, 0)).isFalse();
        nanos += 100_000_000;
        assertThat(window(s, 0, 0)).isTrue();
        assertThat(s.outcome()).isEqualTo(JitSettling.Outcome.SETTLED);
        assertThat(s.completedRequests()).isEqualTo(12 * JitSettling.WINDOW_REQUESTS);
    }

    @Test
    void aBusyWindowResetsTheQuietCount() {
        JitSettling s = settling(500, 100_000);
        nanos += 100_000_000;
        window(s, 0, 0);
        compileMillis += 90;
        nanos += 100_000_000;
        assertThat(window(s, 0, 0)).isFalse();
        nanos += 100_000_000;
        assertThat(window(s, 0, 0)).as("one quiet window after a busy one is not enough").isFalse();
        nanos += 100_000_000;
        assertThat(window(s, 0, 0)).isTrue();
    }

    @Test
    void stopsAtTheRequestLimitWhenTheJitNeverSettles() {
        JitSettling s = settling(500, 2000);
        boolean over = false;
        int requests = 0;
        while (!over) {
            compileMillis += 1;
            nanos += 1_000_000;
            over = s.completed();
            requests++;
        }
        assertThat(requests).isEqualTo(2000);
        assertThat(s.outcome()).isEqualTo(JitSettling.Outcome.REQUEST_LIMIT);
        assertThat(s.completed()).as("stays over").isTrue();
    }
}
