package dev.zentinel.app.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zentinel.handoff.HandoffOffer;
import dev.zentinel.proxy.metrics.ProxyMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping while an upgrade is in flight, with real successor processes (shell scripts that hang). */
class UpgradeCoordinatorStopTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ProxyMetrics metrics = new ProxyMetrics();
    private final RecordingHost host = new RecordingHost();

    @AfterEach
    void tearDown() throws IOException {
        scheduler.shutdownNow();
        Path pidFile = temp.resolve("successor.pid");
        if (Files.exists(pidFile)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private UpgradeCoordinator coordinator() {
        return new UpgradeCoordinator(host, new UpgradeMetrics(metrics), scheduler, Duration.ofMinutes(5), 2,
                Optional.empty(), List.of("run"), temp.resolve("handoff.sock"), 1, 0);
    }

    /** A launcher that records its pid (the exec keeps it) and hangs; {@code prelude} runs first. */
    private UpgradeRequest hangingSuccessor(String prelude) throws IOException {
        Path script = temp.resolve("successor.sh");
        Files.writeString(script, "#!/bin/sh\n" + prelude + "\necho $$ > '" + temp.resolve("successor.pid.tmp")
                + "'\nmv '" + temp.resolve("successor.pid.tmp") + "' '" + temp.resolve("successor.pid") + "'\n"
                + "exec sleep 300\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return new UpgradeRequest(Optional.of(script), Optional.empty());
    }

    private ProcessHandle successor() throws IOException {
        Path pidFile = temp.resolve("successor.pid");
        Awaitility.await("successor started").atMost(WAIT).until(() -> Files.exists(pidFile));
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        return ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("successor pid " + pid + " already gone"));
    }

    @Test
    void stopAbortsASpawnedSuccessorAndTheRequesterLearnsWhy() throws Exception {
        UpgradeCoordinator coordinator = coordinator();
        CompletableFuture<UpgradeResult> upgrade = coordinator.upgrade(hangingSuccessor(""));
        ProcessHandle successor = successor();

        coordinator.abortForStop("instance is stopping").get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(successor.isAlive()).as("successor terminated before the stop goes on").isFalse();
        assertThat(upgrade).failsWithin(Duration.ZERO).withThrowableThat()
                .havingRootCause().isInstanceOf(UpgradeFailedException.class)
                .withMessage("upgrade aborted: instance is stopping");
        assertThat(host.failedReasons).as("the host is stopping, not serving on").isEmpty();
        assertThat(metrics.exportCounters()).containsEntry("zentinel_upgrades_total{result=\"failed\"}", 1.0);
    }

    @Test
    void aSuccessorIgnoringSigtermIsKilledAfterTheGrace() throws Exception {
        UpgradeCoordinator coordinator = coordinator();
        CompletableFuture<UpgradeResult> upgrade = coordinator.upgrade(hangingSuccessor("trap '' TERM"));
        ProcessHandle successor = successor();

        // As the instance does it: once from the signal handler (never blocking), then waited for by the stop.
        coordinator.abortForStop("instance is stopping");
        coordinator.abortForStop("instance is stopping")
                .get(UpgradeCoordinator.KILL_GRACE.plus(WAIT).toSeconds(), TimeUnit.SECONDS);

        assertThat(successor.isAlive()).isFalse();
        assertThat(upgrade).isCompletedExceptionally();
    }

    @Test
    void noUpgradeStartsOnceStopping() throws Exception {
        UpgradeCoordinator coordinator = coordinator();

        assertThat(coordinator.abortForStop("instance is stopping")).isCompleted();
        CompletableFuture<UpgradeResult> refused = coordinator.upgrade(hangingSuccessor(""));

        assertThat(refused).failsWithin(Duration.ZERO).withThrowableThat()
                .havingRootCause().withMessage("this instance is stopping (instance is stopping)");
        assertThat(Files.exists(temp.resolve("successor.pid"))).as("no successor spawned").isFalse();
        assertThat(host.handovers).isZero();
    }

    /** The instance side, recording what the coordinator asks of it. */
    private static final class RecordingHost implements UpgradeHost {
        final List<String> failedReasons = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile int handovers;

        @Override
        public boolean beginHandover() {
            handovers++;
            return true;
        }

        @Override
        public void handoverFailed(String reason) {
            failedReasons.add(reason);
        }

        @Override
        public HandoffOffer offer() throws UpgradeFailedException {
            throw new UpgradeFailedException("not offered in this test");
        }

        @Override
        public void stopAccepting() {
        }

        @Override
        public void drainAndExit(String reason) {
        }

        @Override
        public int drainingGenerations() {
            return 0;
        }
    }
}
