package dev.zentinel.handoff.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Checks that MONOTONIC_USEC really is CLOCK_MONOTONIC on this machine and JVM: our reading must fall
 * between two readings of CLOCK_MONOTONIC taken by another program before and after it.
 */
class MonotonicClockTest {

    private static final List<List<String>> READERS = List.of(
            List.of("perl", "-MTime::HiRes=clock_gettime,CLOCK_MONOTONIC", "-e",
                    "printf(\"%d\\n\", clock_gettime(CLOCK_MONOTONIC) * 1000000)"),
            List.of("python3", "-c", "import time; print(time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000)"));

    @Test
    void microsecondsLieBetweenTwoExternalReadingsOfClockMonotonic() throws Exception {
        List<String> reader = READERS.stream().filter(MonotonicClockTest::works).findFirst().orElse(null);
        assumeTrue(reader != null, "neither perl with Time::HiRes nor python3 is available to read CLOCK_MONOTONIC");
        long before = read(reader).orElseThrow();
        long ours = MonotonicClock.microseconds();
        long after = read(reader).orElseThrow();
        // The external readings truncate to whole microseconds (perl via a double): allow 1 us each way.
        assertThat(ours).isBetween(before - 1, after + 1);
    }

    private static boolean works(List<String> command) {
        try {
            return read(command).isPresent();
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static Optional<Long> read(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0 || !out.matches("[0-9]+")) {
            process.destroyForcibly();
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(out));
    }
}
