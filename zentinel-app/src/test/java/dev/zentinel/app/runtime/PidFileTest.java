package dev.zentinel.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFileTest {

    @TempDir
    Path temp;

    @Test
    void writesReadsAndReplacesLeavingNoTemporaryFile() throws Exception {
        PidFile file = new PidFile(temp.resolve("zentinel.pid"));

        file.write(100);
        assertThat(file.read()).hasValue(100);
        file.write(200);

        assertThat(file.read()).hasValue(200);
        try (Stream<Path> listing = Files.list(temp)) {
            assertThat(listing).containsExactly(temp.resolve("zentinel.pid"));
        }
    }

    @Test
    void removesOnlyItsOwnPid() {
        PidFile file = new PidFile(temp.resolve("zentinel.pid"));
        file.write(200);

        assertThat(file.removeIfOwnedBy(100)).isFalse();
        assertThat(file.read()).hasValue(200);
        assertThat(file.removeIfOwnedBy(200)).isTrue();
        assertThat(Files.exists(file.path())).isFalse();
    }

    @Test
    void missingOrGarbageFileReadsAsEmpty() throws Exception {
        PidFile file = new PidFile(temp.resolve("zentinel.pid"));
        assertThat(file.read()).isEmpty();

        Files.writeString(file.path(), "not a pid\n");

        assertThat(file.read()).isEmpty();
        assertThat(file.removeIfOwnedBy(1)).isFalse();
    }
}
