package dev.zentinel.app.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zentinel.app.upgrade.BackgroundStart;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackgroundStartupTest {

    @Test
    void onlyASuccessorStartedInTheBackgroundHasOne() {
        assertThat(BackgroundStartup.fromEnvironment(Map.of(), Duration.ZERO)).isEmpty();
        assertThat(BackgroundStartup.fromEnvironment(Map.of(BackgroundStart.RESTORE_NICE_ENV, "x"), Duration.ZERO))
                .as("garbage is ignored, not guessed at").isEmpty();
        assertThat(BackgroundStartup.fromEnvironment(Map.of(BackgroundStart.RESTORE_NICE_ENV, "25"), Duration.ZERO))
                .as("no such niceness").isEmpty();

        try (BackgroundStartup startup = BackgroundStartup.fromEnvironment(Map.of(BackgroundStart.RESTORE_NICE_ENV, "0",
                BackgroundStart.FOREGROUND_AFTER_ENV, "60000"), Duration.ofSeconds(1)).orElseThrow()) {
            assertThat(startup).isNotNull();
        }
    }

    @Test
    void recognisesTheJvmThreadsItTreatsApart() {
        assertThat(ThreadNiceness.isCompiler("C2 CompilerThre")).isTrue();
        assertThat(ThreadNiceness.isCompiler("C1 CompilerThre")).isTrue();
        assertThat(ThreadNiceness.isCompiler("zentinel-io-4-1")).isFalse();
        assertThat(ThreadNiceness.isMain("java")).isTrue();
        assertThat(ThreadNiceness.isMain("javax")).isFalse();
    }
}
