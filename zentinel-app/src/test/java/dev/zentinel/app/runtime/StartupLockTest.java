package dev.zentinel.app.runtime;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupLockTest {

    @TempDir
    Path temp;

    @Test
    void aHeldLockRefusesASecondHolderUntilReleased() {
        Path file = temp.resolve("startup.lock");
        try (StartupLock first = StartupLock.acquire(file)) {
            assertThatThrownBy(() -> StartupLock.acquire(file))
                    .isInstanceOf(RuntimeDirectoryException.class)
                    .hasMessageContaining(file.toString());
        }
        StartupLock.acquire(file).close();
    }
}
