package dev.zentinel.proxy.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RuntimeDirectoryDefaultTest {

    @Test
    void rootUsesRunZentinel() {
        assertThat(RuntimeDirectoryDefault.choose(true, "/run/user/1000", "/tmp", "root"))
                .isEqualTo(Path.of("/run/zentinel"));
    }

    @Test
    void userWithXdgRuntimeDirUsesIt() {
        assertThat(RuntimeDirectoryDefault.choose(false, "/run/user/1000", "/tmp", "alice"))
                .isEqualTo(Path.of("/run/user/1000/zentinel"));
    }

    @Test
    void userWithoutXdgRuntimeDirUsesAPerUserTempDirectory() {
        assertThat(RuntimeDirectoryDefault.choose(false, null, "/var/tmp", "alice"))
                .isEqualTo(Path.of("/var/tmp/zentinel-alice"));
        assertThat(RuntimeDirectoryDefault.choose(false, "", "/var/tmp", "alice"))
                .isEqualTo(Path.of("/var/tmp/zentinel-alice"));
        // A relative XDG_RUNTIME_DIR is invalid per the spec and ignored.
        assertThat(RuntimeDirectoryDefault.choose(false, "relative", "/var/tmp", "alice"))
                .isEqualTo(Path.of("/var/tmp/zentinel-alice"));
    }

    @Test
    void userNameCannotEscapeTheTempDirectory() {
        assertThat(RuntimeDirectoryDefault.choose(false, null, "/tmp", "../../etc"))
                .isEqualTo(Path.of("/tmp/zentinel-.._.._etc"));
    }

    @Test
    void absentRuntimeDirectoryUsesTheProcessDefault() throws Exception {
        ProxyConfig c = ConfigLoader.parse("listeners: [{ name: http, address: \"127.0.0.1:0\" }]\n", "t.yaml");
        assertThat(c.runtime().directory()).isEqualTo(RuntimeDirectoryDefault.forCurrentProcess());
        assertThat(c.runtime().directory().isAbsolute()).isTrue();
    }
}
