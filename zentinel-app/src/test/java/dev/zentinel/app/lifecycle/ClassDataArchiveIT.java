package dev.zentinel.app.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zentinel.app.testkit.CliResult;
import dev.zentinel.app.testkit.Distribution;
import dev.zentinel.app.testkit.FreePorts;
import dev.zentinel.app.testkit.HttpProbe;
import dev.zentinel.app.testkit.Jdks;
import dev.zentinel.app.testkit.ZentinelCli;
import dev.zentinel.app.testkit.ZentinelConfig;
import dev.zentinel.app.testkit.ZentinelProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's static class-data archive (AppCDS) with real processes of the distribution: a
 * serving run records the classes it loads, a later start has a separate JVM build the archive
 * from that list, the start after maps it; and nothing about it (a corrupt file, a directory
 * others may write, the opt-out) can keep the proxy from starting. Runs on the build's JDK (17)
 * and, where installed, on JDK 25.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ClassDataArchiveIT {

    /** How long a background dump may take on a loaded 2-core machine (it runs at niceness 19). */
    private static final Duration DUMP_TIMEOUT = Duration.ofMinutes(3);
    /** A class every run that served has loaded; the launcher dumps no list without it. */
    private static final String PROXY_CLASS = "dev/zentinel/proxy/server/ProxyServer";

    private final Distribution distribution = Distribution.fromSystemProperty();
    private final FreePorts ports = new FreePorts();
    private final HttpProbe http = new HttpProbe();

    @TempDir
    Path temp;

    private Path archives;
    private int port;

    @BeforeEach
    void setUp() throws IOException {
        // Where the JVM maps files is read from /proc; the archive itself is not Linux-only.
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "needs /proc/PID/maps");
        archives = temp.resolve("cache/cds");
        port = ports.next();
    }

    /** The environment of a start on {@code jdk} with our archive directory, plus {@code more}. */
    private Map<String, String> on(Path jdk, String... more) {
        Map<String, String> env = new HashMap<>(Map.of("ZENTINEL_CDS_DIR", archives.toString(),
                "ZENTINEL_JAVA_HOME", jdk.toString()));
        for (int i = 0; i + 1 < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private Map<String, String> onBuildJdk(String... more) {
        return on(Jdks.current(), more);
    }

    @Test
    void aServingRunRecordsItsClassesALaterStartBuildsTheArchiveAndTheNextMapsIt() throws Exception {
        recordBuildAndMap(Jdks.current());
    }

    @Test
    void theSameOnJdk25() throws Exception {
        Optional<Path> jdk25 = Jdks.jdk25();
        assumeTrue(jdk25.isPresent(), "needs a JDK 25 (ZENTINEL_TEST_JDK25 or /usr/lib/jvm/*-25*)");
        recordBuildAndMap(jdk25.get());
    }

    private void recordBuildAndMap(Path jdk) throws Exception {
        Map<String, String> env = on(jdk);
        long recorder;
        try (ZentinelProcess first = run("recorder", env).awaitServing()) {
            recorder = first.pid();
            assertThat(first.process().info().arguments().orElseThrow())
                    .anyMatch(a -> a.startsWith("-XX:DumpLoadedClassList=" + archives));
            assertServes();
            stop(first);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(archives))).isEqualTo("rwx------");
        Path list = single(".classlist");
        assertThat(list.getFileName().toString()).endsWith("." + recorder + ".classlist");
        // JDK 17 writes a class's name alone, later JDKs add " id: N".
        assertThat(Files.readAllLines(list)).as("the list names the proxy's classes")
                .anyMatch(line -> line.equals(PROXY_CLASS) || line.startsWith(PROXY_CLASS + " "));

        try (ZentinelProcess builder = run("builder", env).awaitServing()) {
            assertThat(builder.process().info().arguments().orElseThrow())
                    .as("the start that finds a finished list neither records nor maps")
                    .noneMatch(a -> a.startsWith("-XX:DumpLoadedClassList") || a.startsWith("-XX:SharedArchiveFile"));
            assertServes();
            stop(builder);
        }
        Path archive = awaitArchive();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(archive))).isEqualTo("rw-------");

        try (ZentinelProcess mapper = run("mapper", env).awaitServing()) {
            assertThat(mappedFiles(mapper.pid())).as("the next start maps the archive").contains(archive.toString());
            assertServes();
            stop(mapper);
        }
        assertThat(names()).as("the list is gone once dumped; a start that maps the archive records nothing")
                .containsExactlyInAnyOrder(archive.getFileName().toString(), archive.getFileName() + ".size");

        // -Xshare:on makes a JVM fail rather than start without the archive: it really is usable.
        CliResult strict = cli(on(jdk, "ZENTINEL_JAVA_OPTS", "-Xshare:on")).run("version");
        assertThat(strict.exitCode()).as(strict.toString()).isZero();
    }

    @Test
    void theArchiveOnlyFitsTheClassPathItWasBuiltWith() throws Exception {
        Path archive = buildArchive(onBuildJdk());
        Path copy = temp.resolve("copy");
        copyTree(distribution.home(), copy);
        Distribution moved = new Distribution(copy);

        CliResult forced = new ZentinelCli(moved, temp, onBuildJdk("ZENTINEL_CDS", "off",
                "ZENTINEL_JAVA_OPTS", "-Xshare:on -XX:SharedArchiveFile=" + archive)).run("version");
        assertThat(forced.exitCode()).as("the JVM refuses the archive on another class path: " + forced).isNotZero();

        CliResult own = new ZentinelCli(moved, temp, onBuildJdk()).run("version");
        assertThat(own.exitCode()).as(own.toString()).isZero();
        assertThat(names()).as("the copy's launcher looks for an archive of its own name, so it maps none")
                .containsExactlyInAnyOrder(archive.getFileName().toString(), archive.getFileName() + ".size");
    }

    @Test
    void whileOneProcessRecordsAnotherStartsWithoutRecording() throws Exception {
        Map<String, String> env = onBuildJdk();
        try (ZentinelProcess recorder = run("recorder", env).awaitServing()) {
            assertThat(names()).containsExactly(names().get(0)).allMatch(n -> n.endsWith("." + recorder.pid() + ".classlist"));
            int otherPort = ports.next();
            ZentinelConfig other = ZentinelConfig.withRuntimeDirectory(temp.resolve("run-other"))
                    .listener("http", otherPort).respondRoute("all", "/", 200, "ok\n").warmupRequests(2_000);
            try (ZentinelProcess second = ZentinelProcess.run(distribution, temp, "second", other,
                    temp.resolve("second.yaml"), env).awaitServing()) {
                assertThat(second.process().info().arguments().orElseThrow())
                        .noneMatch(a -> a.startsWith("-XX:DumpLoadedClassList"));
                assertThat(second.stderr()).contains("an archive is being recorded or built");
                stop(second);
            }
            stop(recorder);
        }
        assertThat(names()).as("only the first process recorded a list").hasSize(1).allMatch(n -> n.endsWith(".classlist"));
    }

    @Test
    void aListOfARunThatNeverServedIsDiscarded() throws Exception {
        Map<String, String> env = onBuildJdk();
        // A list as a run that died before serving leaves it: JDK classes only, its owner gone.
        String name = archiveName(env);
        Path stale = archives.resolve(name.replace(".jsa", ".999999999.classlist"));
        Files.writeString(stale, "java/lang/Object\njava/lang/String\n");
        // The same under a pid the kernel has given to another process (this test's JVM): not a recorder.
        Path reused = archives.resolve(name.replace(".jsa", "." + ProcessHandle.current().pid() + ".classlist"));
        Files.writeString(reused, "java/lang/Object\n");

        long pid = serveOnceAndStop("after-failed-run", env).pid();

        assertThat(stale).doesNotExist();
        assertThat(reused).doesNotExist();
        assertThat(names()).as("no dump of them, a new list recorded instead")
                .containsExactly(name.replace(".jsa", "." + pid + ".classlist"));
    }

    @Test
    void aCorruptOrTruncatedArchiveIsIgnoredAndTheProxyStarts() throws Exception {
        Map<String, String> env = onBuildJdk();
        Path archive = buildArchive(env);
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

        // The two starts without an archive recorded a list again; only the archive is restored.
        Files.write(archive, valid);
        Files.writeString(recordedLength, valid.length + "\n");
        assertThat(serveOnceAndStop("restored", env).mapped()).as("the same check maps a valid archive").contains(archive.toString());
    }

    @Test
    void dynamicArchivesOfEarlierLaunchersAreRemoved() throws Exception {
        Files.createDirectories(archives);
        Files.setPosixFilePermissions(archives, PosixFilePermissions.fromString("rwx------"));
        Path dynamic = Files.writeString(archives.resolve("zentinel-17.0.15_6-123.jsa"), "old");
        Path size = Files.writeString(archives.resolve("zentinel-17.0.15_6-123.jsa.size"), "3\n");

        serveOnceAndStop("cleaner", onBuildJdk());

        assertThat(dynamic).doesNotExist();
        assertThat(size).doesNotExist();
    }

    @Test
    void aDirectoryOthersMayWriteIsNotUsed() throws Exception {
        Files.createDirectories(archives);
        Files.setPosixFilePermissions(archives, PosixFilePermissions.fromString("rwxrwxrwx"));

        try (ZentinelProcess zentinel = run("shared", onBuildJdk()).awaitServing()) {
            assertServes();
            stop(zentinel);
            assertThat(zentinel.stderr()).contains("class-data archive not used: " + archives + " is writable by group or others");
        }
        assertThat(files(archives)).isEmpty();
    }

    @Test
    void offWritesNothing() throws Exception {
        serveOnceAndStop("off", onBuildJdk("ZENTINEL_CDS", "off"));

        assertThat(archives).doesNotExist();
    }

    /** Records a list with one run, has the next start build the archive, waits for it. */
    private Path buildArchive(Map<String, String> env) throws Exception {
        serveOnceAndStop("recorder", env);
        serveOnceAndStop("builder", env);
        return awaitArchive();
    }

    private Path awaitArchive() throws IOException {
        await("the background dump").atMost(DUMP_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> names().stream().anyMatch(n -> n.endsWith(".jsa.size")));
        return singleArchive();
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

    private ZentinelCli cli(Map<String, String> env) {
        return new ZentinelCli(distribution, temp, env);
    }

    /** The archive's file name for this distribution and JDK: a run's list without the pid (the list is deleted again). */
    private String archiveName(Map<String, String> env) throws Exception {
        try (ZentinelProcess probe = run("probe", env).awaitServing()) {
            Path list = single(".classlist");
            stop(probe);
            String name = list.getFileName().toString();
            Files.delete(list);
            return name.substring(0, name.lastIndexOf('.', name.length() - ".classlist".length() - 1)) + ".jsa";
        }
    }

    private void assertServes() throws Exception {
        assertThat(http.get(port, "/").body()).isEqualTo("ok\n");
    }

    private Path singleArchive() throws IOException {
        return single(".jsa");
    }

    private Path single(String suffix) throws IOException {
        List<Path> all = files(archives).stream().filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private List<String> names() throws IOException {
        return files(archives).stream().map(p -> p.getFileName().toString()).toList();
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
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
