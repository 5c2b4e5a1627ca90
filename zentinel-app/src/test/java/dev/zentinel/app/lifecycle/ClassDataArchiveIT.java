package dev.zentinel.app.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zentinel.app.testkit.Distribution;
import dev.zentinel.app.testkit.FreePorts;
import dev.zentinel.app.testkit.HttpProbe;
import dev.zentinel.app.testkit.Jdks;
import dev.zentinel.app.testkit.ZentinelConfig;
import dev.zentinel.app.testkit.ZentinelProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data archive (AppCDS) with real processes of the distribution: a run
 * writes it into its private directory at exit, the next start maps it, and nothing about it
 * (a corrupt file, a directory others may write, the opt-out) can keep the proxy from starting.
 * Archives are used by default from JDK 21 on (before, JDK-8306460 can keep hot methods
 * interpreted), so these run on a JDK 21+ (the build's, or an installed JDK 25), and one test
 * checks that a JDK before 21 gets none unless forced.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClassDataArchiveIT {

    private final Distribution distribution = Distribution.fromSystemProperty();
    private final FreePorts ports = new FreePorts();
    private final HttpProbe http = new HttpProbe();

    @TempDir
    Path temp;

    private Path archives;
    private int port;
    /** A JDK on which `auto` uses archives. */
    private Path archivingJdk;

    @BeforeEach
    void setUp() throws IOException {
        // Where the JVM maps files is read from /proc; the archive itself is not Linux-only.
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "needs /proc/PID/maps");
        archives = temp.resolve("cache/cds");
        port = ports.next();
        archivingJdk = Jdks.currentFeature() >= 21 ? Jdks.current() : Jdks.jdk25().orElse(null);
    }

    /** The environment of a start on the archiving JDK with our archive directory, plus {@code more}. */
    private Map<String, String> archiving(String... more) {
        assumeTrue(archivingJdk != null, "needs a JDK 21 or later (the build's, ZENTINEL_TEST_JDK25 or /usr/lib/jvm/*-25*)");
        Map<String, String> env = new HashMap<>(Map.of("ZENTINEL_CDS_DIR", archives.toString(),
                "ZENTINEL_JAVA_HOME", archivingJdk.toString()));
        for (int i = 0; i + 1 < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    @Test
    void aRunWritesAPrivateArchiveAtExitThatTheNextStartMaps() throws Exception {
        long firstPid = serveOnceAndStop("first", archiving()).pid();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(archives))).isEqualTo("rwx------");
        assertThat(files(archives)).extracting(p -> p.getFileName().toString())
                .as("the archive written at exit, and the mark that this process would write it")
                .hasSize(2).anyMatch(n -> n.endsWith("." + firstPid + ".tmp")).anyMatch(n -> n.endsWith("." + firstPid + ".pending"));

        try (ZentinelProcess second = run("second", archiving()).awaitServing()) {
            Path archive = singleArchive();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(archive))).isEqualTo("rw-------");
            assertThat(mappedFiles(second.pid())).as("the second start maps the archive").contains(archive.toString());
            assertServes();
            stop(second);
        }
        assertThat(files(archives)).as("a start that used the archive writes none")
                .extracting(p -> p.getFileName().toString()).allMatch(n -> n.endsWith(".jsa") || n.endsWith(".jsa.size")).hasSize(2);
    }

    @Test
    void whileOneProcessWillWriteTheArchiveAnotherStartsWithoutWritingOne() throws Exception {
        Map<String, String> env = archiving();
        try (ZentinelProcess writer = run("writer", env).awaitServing()) {
            assertThat(files(archives)).extracting(p -> p.getFileName().toString())
                    .containsExactly(files(archives).get(0).getFileName().toString())
                    .allMatch(n -> n.endsWith("." + writer.pid() + ".pending"));
            int otherPort = ports.next();
            ZentinelConfig other = ZentinelConfig.withRuntimeDirectory(temp.resolve("run-other"))
                    .listener("http", otherPort).respondRoute("all", "/", 200, "ok\n").warmupRequests(2_000);
            try (ZentinelProcess second = ZentinelProcess.run(distribution, temp, "second", other,
                    temp.resolve("second.yaml"), env).awaitServing()) {
                assertThat(second.process().info().arguments().orElseThrow())
                        .noneMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit"));
                stop(second);
            }
            stop(writer);
        }
        assertThat(files(archives)).extracting(p -> p.getFileName().toString())
                .as("only the first process wrote an archive").filteredOn(n -> n.endsWith(".tmp")).hasSize(1);
    }

    @Test
    void aCorruptOrTruncatedArchiveIsIgnoredAndTheProxyStarts() throws Exception {
        Map<String, String> env = archiving();
        serveOnceAndStop("writer", env);
        try (ZentinelProcess promoter = run("promoter", env).awaitServing()) {
            stop(promoter);
        }
        Path archive = singleArchive();
        byte[] valid = Files.readAllBytes(archive);
        Path recordedLength = archive.resolveSibling(archive.getFileName() + ".size");
        assertThat(Files.readString(recordedLength).trim()).isEqualTo(Integer.toString(valid.length));

        byte[] garbage = new byte[valid.length];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (i * 31 + 7);
        }
        Files.write(archive, garbage);   // same length: the JVM's own header check refuses it
        assertThat(serveOnceAndStop("garbled", env).mapped()).isEmpty();

        Files.write(archive, Arrays.copyOf(valid, valid.length / 3));   // would crash the JVM: the launcher refuses it
        assertThat(serveOnceAndStop("truncated", env).mapped()).isEmpty();

        Files.write(archive, new byte[0]);
        assertThat(serveOnceAndStop("empty", env).mapped()).isEmpty();

        Files.write(archive, valid);
        Files.writeString(recordedLength, valid.length + "\n");
        assertThat(serveOnceAndStop("restored", env).mapped()).as("the same check maps a valid archive").contains(archive.toString());
    }

    @Test
    void aDirectoryOthersMayWriteIsNotUsed() throws Exception {
        Files.createDirectories(archives);
        Files.setPosixFilePermissions(archives, PosixFilePermissions.fromString("rwxrwxrwx"));

        try (ZentinelProcess zentinel = run("shared", archiving()).awaitServing()) {
            assertServes();
            stop(zentinel);
            assertThat(zentinel.stderr()).contains("class-data archive not used: " + archives + " is writable by group or others");
        }
        assertThat(files(archives)).isEmpty();
    }

    @Test
    void offWritesNothing() throws Exception {
        serveOnceAndStop("off", archiving("ZENTINEL_CDS", "off"));

        assertThat(archives).doesNotExist();
    }

    @Test
    void aJdkBefore21GetsNoArchiveUnlessForced() throws Exception {
        assumeTrue(Jdks.currentFeature() < 21, "needs the build to run on a JDK before 21 (it runs on "
                + Jdks.currentFeature() + ")");
        Map<String, String> env = Map.of("ZENTINEL_CDS_DIR", archives.toString(), "ZENTINEL_JAVA_HOME", Jdks.current().toString());
        try (ZentinelProcess zentinel = run("auto", env).awaitServing()) {
            assertThat(zentinel.process().info().arguments().orElseThrow())
                    .noneMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit") || a.startsWith("-XX:SharedArchiveFile"));
            assertServes();
            stop(zentinel);
            assertThat(zentinel.stderr()).contains("JDK-8306460");
        }
        assertThat(archives).as("auto neither writes nor creates anything on this JDK").doesNotExist();

        Map<String, String> forced = new HashMap<>(env);
        forced.put("ZENTINEL_CDS", "on");
        try (ZentinelProcess zentinel = run("forced", forced).awaitServing()) {
            assertThat(zentinel.process().info().arguments().orElseThrow())
                    .anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit=" + archives));
            stop(zentinel);
        }
    }

    private record Served(long pid, List<String> mapped) {
    }

    /**
     * Starts, checks that it serves, notes which archives of ours it mapped, stops it with SIGTERM
     * and waits for a clean exit.
     */
    private Served serveOnceAndStop(String label, Map<String, String> env) throws Exception {
        try (ZentinelProcess zentinel = run(label, env).awaitServing()) {
            assertServes();
            List<String> mapped = mappedFiles(zentinel.pid());
            return new Served(stop(zentinel), mapped);
        }
    }

    private long stop(ZentinelProcess zentinel) {
        long pid = zentinel.pid();
        zentinel.terminate();
        assertThat(zentinel.awaitExit()).as(zentinel.stderr()).isZero();
        return pid;
    }

    private ZentinelProcess run(String label, Map<String, String> env) {
        ZentinelConfig config = ZentinelConfig.withRuntimeDirectory(temp.resolve("run"))
                .listener("http", port)
                .respondRoute("all", "/", 200, "ok\n")
                .warmupRequests(2_000);
        return ZentinelProcess.run(distribution, temp, label, config, temp.resolve(label + ".yaml"), env);
    }

    private void assertServes() throws Exception {
        assertThat(http.get(port, "/").body()).isEqualTo("ok\n");
    }

    private Path singleArchive() throws IOException {
        List<Path> all = files(archives).stream().filter(p -> p.getFileName().toString().endsWith(".jsa")).toList();
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /** The class-data archives (.jsa) of our directory that process PID has mapped. */
    private List<String> mappedFiles(long pid) throws IOException {
        Path maps = Path.of("/proc/" + pid + "/maps");
        try (Stream<String> lines = Files.lines(maps)) {
            return lines.map(l -> l.substring(l.indexOf('/') < 0 ? l.length() : l.indexOf('/')))
                    .filter(p -> p.startsWith(archives.toString())).distinct().toList();
        }
    }
}
