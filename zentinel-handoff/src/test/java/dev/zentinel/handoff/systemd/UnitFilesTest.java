package dev.zentinel.handoff.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped unit files (zentinel-app/src/dist/systemd) say what docs/systemd.md promises, and
 * systemd-analyze verify accepts them without a single warning when it is installed.
 */
class UnitFilesTest {

    private static final Path UNITS = Path.of("..", "zentinel-app", "src", "dist", "systemd");
    private static final String INSTALL = "/opt/zentinel/current";
    private static final String CONFIG = "--config /etc/zentinel/zentinel.yaml";

    @TempDir
    Path tmp;

    @BeforeEach
    void unitsPresent() {
        assumeTrue(Files.isRegularFile(UNITS.resolve("zentinel.service")),
                "unit files not found at " + UNITS.toAbsolutePath() + " (module built outside the repository)");
    }

    @Test
    void serviceIsANotifyServiceWhoseReloadIsTheBinaryUpgrade() throws IOException {
        Map<String, List<String>> service = section(UNITS.resolve("zentinel.service"), "Service");
        assertThat(service.get("Type")).containsExactly("notify");
        // The successor, not systemd's main process, sends MAINPID= and READY=1.
        assertThat(service.get("NotifyAccess")).containsExactly("all");
        assertThat(service.get("ExecStartPre")).containsExactly(INSTALL + "/bin/zentinel check " + CONFIG);
        assertThat(service.get("ExecStart")).containsExactly(INSTALL + "/bin/zentinel run " + CONFIG);
        assertThat(service.get("ExecReload")).containsExactly(
                INSTALL + "/bin/zentinel check " + CONFIG, INSTALL + "/bin/zentinel upgrade " + CONFIG);
        assertThat(service.get("KillMode")).containsExactly("control-group");
        assertThat(service).doesNotContainKey("ExecStop");
        assertThat(service).doesNotContainKey("MemoryDenyWriteExecute");
        assertThat(service.get("RuntimeDirectory")).containsExactly("zentinel");
        assertThat(service.get("RuntimeDirectoryMode")).containsExactly("0700");
        assertThat(seconds(service.get("TimeoutStartSec").get(0))).isGreaterThan(30 + 10);
        assertThat(seconds(service.get("TimeoutStopSec").get(0))).isGreaterThan(30);
    }

    @Test
    void socketHandsANamedStreamSocketToTheService() throws IOException {
        Map<String, List<String>> socket = section(UNITS.resolve("zentinel.socket"), "Socket");
        assertThat(socket.get("ListenStream")).hasSize(1);
        assertThat(socket.get("FileDescriptorName")).containsExactly("http");
        assertThat(socket.get("Service")).containsExactly("zentinel.service");
        assertThat(socket).doesNotContainKeys("Accept", "ListenDatagram");
    }

    @Test
    void systemdAnalyzeVerifiesBothUnitsWithoutWarnings() throws Exception {
        Path analyze = Stream.of("/usr/bin/systemd-analyze", "/bin/systemd-analyze").map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(analyze != null, "systemd-analyze is not installed");
        // verify checks that the Exec*= binaries exist: point them at a stand-in launcher.
        Path launcher = Files.createDirectories(tmp.resolve("install/bin")).resolve("zentinel");
        Files.writeString(launcher, "#!/bin/sh\nexit 0\n");
        assertThat(launcher.toFile().setExecutable(true)).isTrue();
        for (String unit : List.of("zentinel.service", "zentinel.socket")) {
            String text = Files.readString(UNITS.resolve(unit)).replace(INSTALL, tmp.resolve("install").toString());
            Files.writeString(tmp.resolve(unit), text);
        }
        Process verify = new ProcessBuilder(analyze.toString(), "verify", "--man=no",
                tmp.resolve("zentinel.service").toString(), tmp.resolve("zentinel.socket").toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(verify.exitValue()).as(output).isZero();
        // Unknown keys and bad values are only warnings to systemd: there must be none.
        assertThat(output).isBlank();
    }

    /** Key -> values, in order, of one section; continuation lines and comments handled. */
    private static Map<String, List<String>> section(Path unit, String name) throws IOException {
        Map<String, List<String>> values = new LinkedHashMap<>();
        String current = null;
        StringBuilder pending = new StringBuilder();
        for (String raw : Files.readAllLines(unit)) {
            String line = raw.strip();
            if (pending.length() > 0) {
                line = pending + " " + line;
                pending.setLength(0);
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                current = line.substring(1, line.indexOf(']'));
                continue;
            }
            int eq = line.indexOf('=');
            if (name.equals(current) && eq > 0) {
                values.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>())
                        .add(line.substring(eq + 1).strip().replaceAll("\\s+", " "));
            }
        }
        assertThat(values).as("section [" + name + "] of " + unit).isNotEmpty();
        return values;
    }

    private static long seconds(String timespan) {
        assertThat(timespan).as("write time spans in plain seconds in the shipped units").matches("[0-9]+");
        return Long.parseLong(timespan);
    }
}
