package dev.zentinel.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PrivateDirectoryTest {

    private final long uid = ProcessIdentity.uid();

    @TempDir
    Path temp;

    @Test
    void createsAMissingDirectoryWithMode0700WhateverTheUmask() throws Exception {
        Path dir = temp.resolve("a/b/run");

        Path ensured = PrivateDirectory.ensure(dir, uid);

        assertThat(ensured).isEqualTo(dir.toAbsolutePath());
        assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void acceptsAnExistingPrivateDirectoryAndLeavesItAlone() throws Exception {
        Path dir = Files.createDirectory(temp.resolve("run"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));

        assertThat(PrivateDirectory.ensure(dir)).isEqualTo(dir.toAbsolutePath());
        assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rwxr-xr-x", "rwx--x---", "rwx-----x", "rwxrwxrwx", "rwx---r--", "r-x------", "rw-------"})
    void refusesAnyOtherModeWithoutChangingIt(String mode) throws Exception {
        Path dir = Files.createDirectory(temp.resolve("run"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));

        assertThatThrownBy(() -> PrivateDirectory.ensure(dir, uid))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("must be 0700")
                .hasMessageContaining("chmod 700");
        assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString(mode));
    }

    @Test
    void refusesADirectoryOfAnotherOwner() throws Exception {
        Path dir = Files.createDirectory(temp.resolve("run"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));

        assertThatThrownBy(() -> PrivateDirectory.ensure(dir, uid + 1))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("owned by uid " + uid);
    }

    @Test
    void refusesADirectoryReallyOwnedBySomeoneElse() throws Exception {
        assumeTrue(uid == 0, "changing a directory's owner needs root");
        Path dir = Files.createDirectory(temp.resolve("run"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.setAttribute(dir, "unix:uid", 65534);

        assertThatThrownBy(() -> PrivateDirectory.ensure(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("owned by uid 65534");
    }

    @Test
    void refusesASymbolicLink() throws Exception {
        Path real = Files.createDirectory(temp.resolve("real"));
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwx------"));
        Path link = Files.createSymbolicLink(temp.resolve("link"), real);

        assertThatThrownBy(() -> PrivateDirectory.ensure(link, uid))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("symbolic link");
    }

    @Test
    void refusesAFile() throws Exception {
        Path file = Files.createFile(temp.resolve("run"));

        assertThatThrownBy(() -> PrivateDirectory.ensure(file, uid))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a directory");
    }

    @Test
    void describesModesInOctal() {
        assertThat(PrivateDirectory.octal(PosixFilePermissions.fromString("rwxr-x--x"))).isEqualTo("0751");
        assertThat(PrivateDirectory.octal(Set.of(PosixFilePermission.OWNER_READ))).isEqualTo("0400");
    }
}
