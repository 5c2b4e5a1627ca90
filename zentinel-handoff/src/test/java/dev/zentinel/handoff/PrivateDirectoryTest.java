package dev.zentinel.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void createsAMissingDirectoryWithOwnerOnlyAccessWhateverTheUmask() throws Exception {
        Path dir = tmp.resolve("a").resolve("run");
        PrivateDirectory.ensure(dir);
        assertThat(dir).isDirectory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    }

    @Test
    void acceptsAnExistingPrivateDirectoryAndLeavesItAlone() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("run"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        PrivateDirectory.ensure(dir);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    }

    @Test
    void rejectsGroupOrOtherPermissionBits() throws Exception {
        for (String mode : new String[] {"rwxr-xr-x", "rwxrwx---", "rwx-----x", "rwx--x---", "rwx---r--"}) {
            Path dir = Files.createDirectory(tmp.resolve("run-" + mode.replace('-', '_')));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
            assertThatThrownBy(() -> PrivateDirectory.ensure(dir)).as(mode).isInstanceOf(IOException.class)
                    .hasMessageContaining("has mode " + mode).hasMessageContaining("chmod 700");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).as("left unchanged").isEqualTo(mode);
        }
    }

    @Test
    void rejectsAnOwnerWithoutWriteOrSearchPermission() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("run"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r--------"));
        assertThatThrownBy(() -> PrivateDirectory.ensure(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("write and search permission");
    }

    @Test
    void rejectsAFileInPlaceOfTheDirectory() throws Exception {
        Path file = Files.writeString(tmp.resolve("run"), "x");
        assertThatThrownBy(() -> PrivateDirectory.ensure(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("exists but is not a directory");
    }

    @Test
    void rejectsADirectoryOwnedBySomeoneElse() throws Exception {
        assumeTrue(ProcessIdentity.uid() == 0, "needs root to give a directory to another user");
        Path dir = Files.createDirectory(tmp.resolve("run"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.setAttribute(dir, "unix:uid", 65534);
        assertThatThrownBy(() -> PrivateDirectory.ensure(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("is owned by uid 65534, not by this process's uid 0");
    }
}
