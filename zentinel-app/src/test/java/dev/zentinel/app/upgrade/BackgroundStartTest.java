package dev.zentinel.app.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zentinel.app.runtime.Niceness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackgroundStartTest {

    @TempDir
    Path proc;

    @BeforeEach
    void aProcessAtNiceThree() throws Exception {
        Files.writeString(proc.resolve("stat"), "7 (java) S 1 7 7 0 -1 0 0 0 0 0 1 1 0 0 20 3 9 0 5");
    }

    @Test
    void nicesTheLauncherAndTellsTheSuccessorWhereToReturnAndWhen() throws Exception {
        unprivilegedWithNiceLimit("20");
        BackgroundStart plan = BackgroundStart.plan(10, Duration.ofSeconds(30), new Niceness(proc)).orElseThrow();

        assertThat(plan.prefix()).hasSize(3);
        assertThat(plan.prefix().get(0)).endsWith("/nice");
        assertThat(plan.prefix().subList(1, 3)).containsExactly("-n", "10");
        assertThat(plan.environment()).containsEntry(BackgroundStart.RESTORE_NICE_ENV, "3")
                .containsEntry(BackgroundStart.FOREGROUND_AFTER_ENV, "18000");
    }

    @Test
    void startsAtNormalPriorityWhenTheWayBackIsClosedOrNotAsked() throws Exception {
        unprivilegedWithNiceLimit("0");
        assertThat(BackgroundStart.plan(10, Duration.ofSeconds(30), new Niceness(proc))).isEmpty();

        unprivilegedWithNiceLimit("20");
        assertThat(BackgroundStart.plan(0, Duration.ofSeconds(30), new Niceness(proc))).isEmpty();
    }

    @Test
    void successorCommandCarriesThePlan() throws Exception {
        unprivilegedWithNiceLimit("20");
        Path launcher = Files.createFile(proc.resolve("zentinel"));
        launcher.toFile().setExecutable(true);
        BackgroundStart plan = BackgroundStart.plan(5, Duration.ofSeconds(10), new Niceness(proc)).orElseThrow();

        SuccessorCommand command = SuccessorCommand.build(new UpgradeRequest(Optional.of(launcher),
                Optional.empty()), Optional.empty(), List.of("run"), proc.resolve("h.sock"),
                Duration.ofSeconds(10), Optional.of(plan));

        assertThat(command.command()).containsSubsequence(plan.prefix().get(0), "-n", "5",
                launcher.toRealPath().toString(), "run");
        assertThat(command.environment()).containsEntry(SuccessorCommand.READY_WITHIN_ENV, "10000")
                .containsEntry(BackgroundStart.RESTORE_NICE_ENV, "3");
    }

    private void unprivilegedWithNiceLimit(String limit) throws Exception {
        Files.writeString(proc.resolve("status"), "Uid:\t1000\t1000\t1000\t1000\nCapEff:\t0000000000000000\n");
        Files.writeString(proc.resolve("limits"), "Max nice priority         " + limit + "                    " + limit + "\n");
    }
}
