package dev.zentinel.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeLayoutTest {

    private final long uid = CurrentProcess.get().uid();

    @TempDir
    Path temp;

    @Test
    void ensureCreatesThePrivateDirectoryAndNamesItsFiles() throws Exception {
        RuntimeLayout layout = RuntimeLayout.ensure(temp.resolve("run"), uid);

        assertThat(Files.getPosixFilePermissions(layout.directory()))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(layout.controlSocket()).isEqualTo(temp.resolve("run/control.sock").toAbsolutePath());
        assertThat(layout.handoffSocket().getParent()).isEqualTo(layout.directory());
    }

    @Test
    void anUnsafeDirectoryIsARuntimeDirectoryError() throws Exception {
        Path dir = Files.createDirectory(temp.resolve("run"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThatThrownBy(() -> RuntimeLayout.ensure(dir, uid))
                .isInstanceOf(RuntimeDirectoryException.class)
                .hasMessageStartingWith("runtime directory " + dir.toAbsolutePath())
                .hasMessageContaining("must be 0700");
    }
}
