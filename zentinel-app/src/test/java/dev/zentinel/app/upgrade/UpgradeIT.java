package dev.zentinel.app.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zentinel.app.runtime.Niceness;
import dev.zentinel.app.testkit.CliResult;
import dev.zentinel.app.testkit.ControlStatus;
import dev.zentinel.app.testkit.Distribution;
import dev.zentinel.app.testkit.FreePorts;
import dev.zentinel.app.testkit.HttpProbe;
import dev.zentinel.app.testkit.Jdks;
import dev.zentinel.app.testkit.OriginServer;
import dev.zentinel.app.testkit.ZentinelCli;
import dev.zentinel.app.testkit.ZentinelConfig;
import dev.zentinel.app.testkit.ZentinelProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Binary upgrades with real JVM processes of the distribution and real traffic: every request
 * the load clients send is counted, none is retried, and every test asserts that none failed.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class UpgradeIT {

    private static final Duration UPGRADE_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration TRAFFIC_TIMEOUT = Duration.ofSeconds(60);
    private static final int LOAD_CONNECTIONS = 8;

    private final Distribution distribution = Distribution.fromSystemProperty();
    private final FreePorts ports = new FreePorts();
    /** Every zentinel pid a test saw, so none outlives it. */
    private final Set<Long> pids = ConcurrentHashMap.newKeySet();

    @TempDir
    Path temp;

    private ZentinelCli cli;
    private OriginServer origin;
    private Path configFile;
    private int httpPort;

    @BeforeEach
    void setUp() throws IOException {
        cli = new ZentinelCli(distribution, temp, Map.of());
        origin = OriginServer.start("app");
        configFile = temp.resolve("zentinel.yaml");
        httpPort = ports.next();
    }

    @AfterEach
    void tearDown() {
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroyForcibly();
                p.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
            });
        }
        origin.close();
    }

    private ZentinelConfig baseConfig() {
        return baseConfig(c -> { });
    }

    /** The test config; {@code extra} adds upstreams and routes ahead of the catch-all route. */
    private ZentinelConfig baseConfig(java.util.function.Consumer<ZentinelConfig> extra) {
        ZentinelConfig config = ZentinelConfig.withRuntimeDirectory(temp.resolve("run"))
                .listener("http", httpPort)
                .upstream("app", origin.address())
                .proxyRoute("app", "/app", "app")
                .warmupRequests(200)
                .drainTimeout("30s");
        extra.accept(config);
        return config.respondRoute("fallback", "/", 200, "fallback\n");
    }

    private ZentinelProcess start(ZentinelConfig config) {
        ZentinelProcess process = ZentinelProcess.run(distribution, temp, "gen1", config, configFile, Map.of());
        pids.add(process.pid());
        process.awaitServing();
        return process;
    }

    private CliResult upgrade(String... extra) {
        List<String> args = new ArrayList<>(List.of("upgrade", "--config", configFile.toString()));
        args.addAll(List.of(extra));
        return cli.run(UPGRADE_TIMEOUT, args.toArray(String[]::new));
    }

    /** Runs a successful upgrade and returns the new instance's status. */
    private JsonNode upgradeOk(ZentinelProcess first, String... extra) {
        long before = status().path("generation").asLong();
        CliResult result = upgrade(extra);
        assertThat(result.exitCode()).as("upgrade: %s", result).isZero();
        assertThat(result.stdout()).contains("upgraded: pid").contains(" -> ");
        JsonNode status = awaitStatus("generation " + (before + 1) + " serving",
                s -> s.path("generation").asLong() == before + 1 && "serving".equals(s.path("state").asText()));
        pids.add(status.path("pid").asLong());
        return status;
    }

    private JsonNode awaitStatus(String description, java.util.function.Predicate<JsonNode> condition) {
        return new ControlStatus(temp.resolve("run/control.sock")).await(description, condition);
    }

    private JsonNode status() {
        JsonNode status = new ControlStatus(temp.resolve("run/control.sock")).orNull();
        assertThat(status).as("status answered").isNotNull();
        return status;
    }

    private static void awaitMoreTraffic(CountingLoad load, long atLeast) {
        long target = load.succeeded() + atLeast;
        Awaitility.await("traffic flowing").atMost(TRAFFIC_TIMEOUT).until(() -> load.succeeded() >= target);
    }

    /**
     * A successor warms up niced (upgrade.successor-nice, default 10) but must serve at its
     * predecessor's niceness (the first generation inherited this JVM's): every one of its
     * threads but the JIT compilers is back there once it serves.
     */
    private static void assertServesAtOurNiceness(long successorPid) {
        int expected = Niceness.ofThisProcess().current().orElseThrow();
        Niceness successor = new Niceness(Path.of("/proc/" + successorPid));
        // The main thread comes back last, once the successor has finished its start-up.
        Awaitility.await("successor back at our niceness").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            long[] threads = successor.threadIds();
            assertThat(threads).isNotEmpty();
            for (long tid : threads) {
                String name = successor.threadName(tid).orElse("");
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    continue; // JIT compiler threads stay niced by design (docs/upgrade.md)
                }
                successor.ofThread(tid).ifPresent(nice -> assertThat(nice)
                        .as("niceness of thread %d (%s) of successor %d", tid, name, successorPid).isEqualTo(expected));
            }
        });
    }

    private static void assertNoneFailed(CountingLoad load) {
        assertThat(load.failed()).as("failed requests, samples: %s", load.failureSamples()).isZero();
        assertThat(load.succeeded()).isPositive();
    }

    private InetSocketAddress http() {
        return new InetSocketAddress("127.0.0.1", httpPort);
    }

    @Test
    void fiveUpgradesUnderKeepAliveLoadDropNothing() throws Exception {
        fiveUpgradesUnderLoad(CountingLoad.Mode.KEEP_ALIVE);
    }

    @Test
    void fiveUpgradesUnderConnectionCloseLoadDropNothing() throws Exception {
        fiveUpgradesUnderLoad(CountingLoad.Mode.CLOSE);
    }

    private void fiveUpgradesUnderLoad(CountingLoad.Mode mode) throws Exception {
        ZentinelProcess first = start(baseConfig());
        CountingLoad load = new CountingLoad(http(), mode, LOAD_CONNECTIONS, "/app/load").start();
        try {
            awaitMoreTraffic(load, 100);
            long previousPid = first.pid();
            for (int i = 0; i < 5; i++) {
                JsonNode status = upgradeOk(first);
                long pid = status.path("pid").asLong();
                assertThat(pid).isNotEqualTo(previousPid);
                assertServesAtOurNiceness(pid);
                previousPid = pid;
                awaitMoreTraffic(load, 100);
            }
            // Counters continue across generations instead of restarting.
            JsonNode last = status();
            assertThat(last.path("generation").asLong()).isEqualTo(6);
        } finally {
            load.close();
        }
        assertNoneFailed(load);
        assertThat(first.awaitExit()).as("first generation exits after draining").isZero();
        // Successors inherit the first one's stdout: each started niced and came back.
        assertThat(first.stdout() + first.stderr()).contains("back to niceness");
    }

    @Test
    void longDownloadStartedBeforeAnUpgradeCompletesByteExact() throws Exception {
        long size = 48L * 1024 * 1024;
        try (SlowDownloadOrigin slow = SlowDownloadOrigin.start(size, 40)) {
            ZentinelConfig config = baseConfig(c -> c.upstream("slow", slow.address())
                    .proxyRoute("download", "/download", "slow"));
            ZentinelProcess first = start(config);
            CompletableFuture<Long> download = CompletableFuture.supplyAsync(() -> downloadAndVerify(size));
            Awaitility.await("download under way").atMost(TRAFFIC_TIMEOUT)
                    .until(() -> status().path("connections").asLong() >= 1);
            try (CountingLoad load = new CountingLoad(http(), CountingLoad.Mode.KEEP_ALIVE, 2, "/app/x").start()) {
                awaitMoreTraffic(load, 20);
                JsonNode status = upgradeOk(first);
                assertThat(download).as("download still running after the upgrade").isNotDone();
                assertThat(status.path("draining").size()).as("old generation listed as draining").isEqualTo(1);
                awaitMoreTraffic(load, 50);
                load.close();
                assertNoneFailed(load);
            }
            assertThat(download.get(5, TimeUnit.MINUTES)).isEqualTo(size);
            assertThat(first.awaitExit()).isZero();
        }
    }

    @Test
    void drainFiguresReachTheServingGenerationsMetrics() throws Exception {
        int adminPort = ports.next();
        long size = 48L * 1024 * 1024;
        try (SlowDownloadOrigin slow = SlowDownloadOrigin.start(size, 40)) {
            // The download takes about 30 s; a 3 s drain timeout must cut it.
            ZentinelConfig config = baseConfig(c -> c.upstream("slow", slow.address())
                    .proxyRoute("download", "/download", "slow")).admin(adminPort).drainTimeout("3s");
            ZentinelProcess first = start(config);

            // A clean drain: nothing open when generation 1 hands over.
            JsonNode second = upgradeOk(first);
            assertThat(first.awaitExit()).isZero();
            awaitMetric(adminPort, "zentinel_drains_total{outcome=\"clean\"}", 1);
            assertThat(metric(adminPort, DRAIN_FORCE_CLOSED)).as("nothing cut in a clean drain").isZero();
            JsonNode report = awaitStatus("generation 1's drain report", s -> s.path("drainReports").size() == 1)
                    .path("drainReports").get(0);
            assertThat(report.path("pid").asLong()).isEqualTo(first.pid());
            assertThat(report.path("generation").asLong()).isEqualTo(1);
            assertThat(report.path("forceClosed").asLong()).isZero();

            // A drain that has to cut a transfer.
            CompletableFuture<Long> download = CompletableFuture.supplyAsync(() -> downloadUntilClosed(size));
            Awaitility.await("download under way").atMost(TRAFFIC_TIMEOUT)
                    .until(() -> status().path("connections").asLong() >= 1);
            JsonNode third = upgradeOk(first);
            long secondPid = second.path("pid").asLong();
            // Not our child: its exit code is not ours to see, but it must exit once the drain timeout cut it.
            ProcessHandle.of(secondPid).ifPresent(p -> p.onExit().orTimeout(2, TimeUnit.MINUTES).join());
            assertThat(download.get(2, TimeUnit.MINUTES)).as("bytes received before the cut").isLessThan(size);
            awaitMetric(adminPort, DRAIN_FORCE_CLOSED, 1);
            assertThat(metric(adminPort, "zentinel_drains_total{outcome=\"force_closed\"}")).isEqualTo(1);
            assertThat(metric(adminPort, "zentinel_drains_total{outcome=\"clean\"}"))
                    .as("continued across the upgrade").isEqualTo(1);
            JsonNode status = awaitStatus("generation 2's drain report", s -> s.path("drainReports").size() == 2);
            assertThat(status.path("pid").asLong()).isEqualTo(third.path("pid").asLong());
            JsonNode cut = status.path("drainReports").get(0);
            assertThat(cut.path("pid").asLong()).isEqualTo(secondPid);
            assertThat(cut.path("forceClosed").asLong()).isEqualTo(1);
            assertThat(status.path("drainReports").get(1).path("pid").asLong())
                    .as("earlier reports travel in the snapshot").isEqualTo(first.pid());
        }
    }

    private static final String DRAIN_FORCE_CLOSED = "zentinel_drain_connections_total{outcome=\"force_closed\"}";

    private final HttpProbe probe = new HttpProbe();

    /** One series' value from the admin endpoint's /metrics; fails if the series is absent. */
    private double metric(int adminPort, String series) throws Exception {
        String body = probe.get(adminPort, "/metrics").body();
        return body.lines()
                .filter(line -> line.startsWith(series + " "))
                .map(line -> Double.parseDouble(line.substring(series.length() + 1).trim()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + series + " in /metrics:\n" + body));
    }

    private void awaitMetric(int adminPort, String series, double expected) {
        Awaitility.await(series + " = " + expected).atMost(TRAFFIC_TIMEOUT).ignoreExceptions()
                .until(() -> metric(adminPort, series) == expected);
    }

    /** Reads a download until the proxy closes it (or it completes); returns the bytes received. */
    private long downloadUntilClosed(long size) {
        try (Socket socket = new Socket()) {
            socket.connect(http(), 10_000);
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write("GET /download/big HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long received = 0;
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    received += n;
                }
            } catch (IOException cut) {
                // A reset is one way the drain timeout ends a transfer.
            }
            return received;
        } catch (IOException e) {
            throw new AssertionError("download could not start: " + e, e);
        }
    }

    @Test
    void stopDuringAnUpgradeAbortsItAndLeavesNothingServing() throws Exception {
        ZentinelConfig config = baseConfig();
        ZentinelProcess first = start(config);
        // Connects, takes the fds, then warms up for a long time: in flight when the stop comes.
        config.warmupRequests(10_000_000).warmupTimeout("120s").writeTo(configFile);
        CompletableFuture<CliResult> upgrading = CompletableFuture.supplyAsync(this::upgrade);
        Awaitility.await("successor received the listeners").atMost(Duration.ofMinutes(2))
                .until(() -> output(first).contains("received 1 listener(s)"));
        ProcessHandle successor = spawnedSuccessor(first);

        CliResult stop = cli.run("stop", "--config", configFile.toString());

        assertThat(stop.exitCode()).as("%s", stop).isZero();
        CliResult upgrade = upgrading.get(3, TimeUnit.MINUTES);
        assertThat(upgrade.exitCode()).as("%s", upgrade).isNotZero();
        assertThat(upgrade.stderr()).contains("upgrade aborted: instance is stopping");
        assertThat(first.awaitExit()).isZero();
        assertThat(successor.isAlive()).as("the successor was terminated before the old process exited").isFalse();
        assertThat(output(first)).as("the warming-up successor ended on SIGTERM, without the SIGKILL")
                .doesNotContain("ignored SIGTERM");
        assertThatThrownBy(() -> get(httpPort)).as("nothing serves after a stop").isInstanceOf(ConnectException.class);
    }

    @Test
    void sigtermDuringAnUpgradeKillsASuccessorThatIgnoresIt() throws Exception {
        ZentinelProcess first = start(baseConfig());
        Path pidFile = temp.resolve("stubborn.pid");
        CompletableFuture<CliResult> upgrading = CompletableFuture.supplyAsync(() -> {
            try {
                return upgrade("--exec", script("stubborn", "trap '' TERM\necho $$ > '" + pidFile + ".tmp'\nmv '"
                        + pidFile + ".tmp' '" + pidFile + "'\nexec sleep 300"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Awaitility.await("stubborn successor started").atMost(TRAFFIC_TIMEOUT).until(() -> Files.exists(pidFile));
        ProcessHandle successor = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).orElseThrow();
        pids.add(successor.pid());

        first.terminate();

        CliResult upgrade = upgrading.get(3, TimeUnit.MINUTES);
        assertThat(upgrade.exitCode()).as("%s", upgrade).isNotZero();
        assertThat(upgrade.stderr()).contains("upgrade aborted: instance is stopping");
        assertThat(first.awaitExit()).isZero();
        assertThat(successor.isAlive()).as("SIGKILLed after the grace").isFalse();
        assertThat(output(first)).contains("ignored SIGTERM");
    }

    @Test
    void stopDuringATakeoverEndsTheTakingOverProcess() throws Exception {
        ZentinelConfig config = baseConfig();
        ZentinelProcess first = start(config);
        config.warmupRequests(10_000_000).warmupTimeout("120s").writeTo(configFile);
        ZentinelProcess takeover = ZentinelProcess.start(distribution, temp, "takeover", temp.resolve("run/control.sock"),
                Map.of(), "run", "--config", configFile.toString(), "--takeover");
        pids.add(takeover.pid());
        Awaitility.await("takeover received the listeners").atMost(Duration.ofMinutes(2))
                .until(() -> output(takeover).contains("received 1 listener(s)"));

        first.terminate();

        assertThat(first.awaitExit()).isZero();
        assertThat(takeover.awaitExit(Duration.ofSeconds(30))).as("the takeover process does not serve")
                .isNotZero();
        assertThatThrownBy(() -> get(httpPort)).isInstanceOf(ConnectException.class);
    }

    private static String output(ZentinelProcess process) {
        return process.stdout() + process.stderr();
    }

    /** The successor pid the old process logged when it spawned it. */
    private ProcessHandle spawnedSuccessor(ZentinelProcess first) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("successor pid (\\d+) started")
                .matcher(output(first));
        assertThat(m.find()).as("spawn logged").isTrue();
        long pid = Long.parseLong(m.group(1));
        pids.add(pid);
        return ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("successor " + pid + " already gone"));
    }

    /** Reads the whole body over a raw socket and checks every byte against the origin's pattern. */
    private long downloadAndVerify(long size) {
        try (Socket socket = new Socket()) {
            socket.connect(http(), 10_000);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /download/big HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new AssertionError("closed inside the response head: " + head);
                }
                head.append((char) b);
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 200");
            byte[] buffer = new byte[64 * 1024];
            long offset = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != SlowDownloadOrigin.byteAt(offset + i)) {
                        throw new AssertionError("byte " + (offset + i) + " differs");
                    }
                }
                offset += n;
            }
            return offset;
        } catch (IOException e) {
            throw new AssertionError("download failed: " + e, e);
        }
    }

    @Test
    void failedSuccessorsLeaveTheOldServing() throws Exception {
        ZentinelConfig config = baseConfig().readinessTimeout("8s");
        ZentinelProcess first = start(config);
        CountingLoad load = new CountingLoad(http(), CountingLoad.Mode.KEEP_ALIVE, 4, "/app/f").start();
        try {
            awaitMoreTraffic(load, 50);

            CliResult crashed = upgrade("--exec", script("crash", "exit 3"));
            assertThat(crashed.exitCode()).as("%s", crashed).isNotZero();
            assertThat(crashed.stderr()).contains("exited with status 3");
            assertStillServing(first, load);

            CliResult garbage = upgrade("--exec", script("garbage",
                    "exec java " + garbageSender() + " \"$ZENTINEL_HANDOFF_SOCKET\""));
            assertThat(garbage.exitCode()).as("%s", garbage).isNotZero();
            assertStillServing(first, load);

            CliResult neverConnects = upgrade("--exec", script("hang", "exec sleep 300"));
            assertThat(neverConnects.exitCode()).as("%s", neverConnects).isNotZero();
            assertThat(neverConnects.stderr()).contains("not ready within");
            assertStillServing(first, load);

            // Connects and takes the fds, then is too slow: the old one kills it and serves on. A real
            // successor fits its warm-up into the readiness timeout it is told of; this one is not told.
            config.warmupRequests(10_000_000).warmupTimeout("60s").writeTo(configFile);
            String unaware = script("unaware", "unset " + SuccessorCommand.READY_WITHIN_ENV + "\nexec '"
                    + distribution.launcher() + "' \"$@\"");
            CompletableFuture<CliResult> slow = CompletableFuture.supplyAsync(() -> upgrade("--exec", unaware));
            Awaitility.await("slow successor in flight").atMost(TRAFFIC_TIMEOUT)
                    .until(() -> "upgrading".equals(status().path("state").asText()));
            CliResult second = upgrade();
            assertThat(second.exitCode()).as("a second upgrade while one is in flight: %s", second).isNotZero();
            assertThat(second.stderr()).contains("already in flight");
            CliResult slowResult = slow.get(3, TimeUnit.MINUTES);
            assertThat(slowResult.exitCode()).as("%s", slowResult).isNotZero();
            assertThat(slowResult.stderr()).contains("not ready within");
            assertStillServing(first, load);

            Files.writeString(configFile, "listeners: [ { name: http, address: nowhere } ]\nbogus: 1\n");
            // The broken file no longer tells the CLI where the instance is; the runtime directory does.
            CliResult rejected = cli.run(UPGRADE_TIMEOUT, "upgrade", "--runtime-dir", temp.resolve("run").toString());
            assertThat(rejected.exitCode()).as("%s", rejected).isNotZero();
            assertThat(rejected.stderr()).contains("configuration rejected");
            assertStillServing(first, load);

            baseConfig().readinessTimeout("60s").writeTo(configFile);
            JsonNode upgraded = upgradeOk(first);
            assertThat(upgraded.path("pid").asLong()).isNotEqualTo(first.pid());
            awaitMoreTraffic(load, 50);
        } finally {
            load.close();
        }
        assertNoneFailed(load);
    }

    private void assertStillServing(ZentinelProcess first, CountingLoad load) {
        JsonNode status = awaitStatus("old instance serving again", s -> "serving".equals(s.path("state").asText()));
        assertThat(status.path("pid").asLong()).isEqualTo(first.pid());
        assertThat(status.path("generation").asLong()).isEqualTo(1);
        awaitMoreTraffic(load, 20);
    }

    private String script(String name, String body) throws IOException {
        Path file = temp.resolve(name + ".sh");
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file.toString();
    }

    /** A single-file Java program that connects to the handoff socket and writes an HTTP request instead. */
    private String garbageSender() throws IOException {
        Path file = temp.resolve("Garbage.java");
        Files.writeString(file, """
                import java.net.UnixDomainSocketAddress;
                import java.nio.ByteBuffer;
                import java.nio.channels.SocketChannel;
                public class Garbage {
                    public static void main(String[] args) throws Exception {
                        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(args[0]))) {
                            ch.write(ByteBuffer.wrap("GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n".getBytes()));
                            ch.read(ByteBuffer.allocate(1024));
                        }
                    }
                }
                """);
        return file.toString();
    }

    @Test
    void successorServesAloneWhenTheOldIsKilledAfterHandingOver() throws Exception {
        ZentinelConfig config = baseConfig();
        ZentinelProcess first = start(config);
        // A long warm-up keeps the successor between "fds received" and READY long enough to kill the old one.
        config.warmupRequests(10_000_000).warmupTimeout("8s").writeTo(configFile);
        CompletableFuture<CliResult> upgrading = CompletableFuture.supplyAsync(this::upgrade);
        Awaitility.await("successor received the listeners").atMost(Duration.ofMinutes(2))
                .until(() -> first.stdout().contains("received 1 listener(s)")
                        || first.stderr().contains("received 1 listener(s)"));
        first.process().destroyForcibly();
        assertThat(first.awaitExit()).isNotZero();
        // The CLI loses its connection to the old process: it cannot report success.
        assertThat(upgrading.get(3, TimeUnit.MINUTES).exitCode()).isNotZero();
        JsonNode alone = awaitStatus("successor serving alone", s -> s.path("generation").asLong() == 2
                && "serving".equals(s.path("state").asText()));
        pids.add(alone.path("pid").asLong());
        try (CountingLoad load = new CountingLoad(http(), CountingLoad.Mode.KEEP_ALIVE, 2, "/app/alone").start()) {
            awaitMoreTraffic(load, 50);
            load.close();
            assertNoneFailed(load);
        }
    }

    @Test
    void upgradeAddsOneListenerAndRemovesAnother() throws Exception {
        int oldPort = ports.next();
        int newPort = ports.next();
        ZentinelProcess first = start(baseConfig().listener("legacy", oldPort));
        assertThat(get(oldPort)).contains("200");
        baseConfig().listener("fresh", newPort).writeTo(configFile);
        try (CountingLoad load = new CountingLoad(http(), CountingLoad.Mode.KEEP_ALIVE, 2, "/app/l").start()) {
            awaitMoreTraffic(load, 20);
            JsonNode status = upgradeOk(first);
            List<String> names = new ArrayList<>();
            status.path("listeners").forEach(l -> names.add(l.path("name").asText()));
            assertThat(names).containsExactlyInAnyOrder("http", "fresh");
            awaitMoreTraffic(load, 20);
            load.close();
            assertNoneFailed(load);
        }
        assertThat(get(newPort)).contains("200");
        assertThat(first.awaitExit()).isZero();
        assertThatThrownBy(() -> get(oldPort)).isInstanceOf(ConnectException.class);
    }

    private static String get(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void upgradesAcrossJdks() throws Exception {
        Path jdk25 = Jdks.jdk25().orElse(null);
        assumeThat(jdk25).as("a JDK 25 (ZENTINEL_TEST_JDK25 or /usr/lib/jvm/temurin-25-jdk-*) is needed "
                + "for the JDK 17 -> 25 -> 17 upgrade test").isNotNull();
        Path jdk17 = Jdks.current();
        ZentinelProcess first = start(baseConfig());
        try (CountingLoad load = new CountingLoad(http(), CountingLoad.Mode.KEEP_ALIVE, 4, "/app/jdk").start()) {
            awaitMoreTraffic(load, 50);
            upgradeOk(first, "--java-home", jdk25.toString());
            assertThat(javaVersionOfServingPid()).startsWith("25");
            awaitMoreTraffic(load, 50);
            upgradeOk(first, "--java-home", jdk17.toString());
            assertThat(javaVersionOfServingPid()).isEqualTo(Runtime.version().feature() + "");
            awaitMoreTraffic(load, 50);
            load.close();
            assertNoneFailed(load);
        }
    }

    private String javaVersionOfServingPid() throws IOException {
        long pid = status().path("pid").asLong();
        String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
        String java = cmdline.split(" ")[0];
        Path release = Path.of(java).toRealPath().getParent().getParent().resolve("release");
        String text = Files.readString(release);
        String version = text.replaceAll("(?s).*JAVA_VERSION=\"([^\"]+)\".*", "$1");
        return version.split("\\.")[0];
    }

    @Test
    void burstOfNewConnectionsDuringTheHandoffIsServed() throws Exception {
        ZentinelProcess first = start(baseConfig());
        CompletableFuture<CliResult> upgrading = CompletableFuture.supplyAsync(this::upgrade);
        AtomicLong served = new AtomicLong();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        // Open connections in waves for as long as the upgrade runs, each sending one request.
        int waves = 0;
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(32);
        try {
        while (!upgrading.isDone() && waves < 400) {
            List<CompletableFuture<Void>> wave = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                wave.add(CompletableFuture.runAsync(() -> {
                    try {
                        String answer = get(httpPort);
                        if (answer.startsWith("HTTP/1.1 200")) {
                            served.incrementAndGet();
                        } else {
                            failures.add(answer.lines().findFirst().orElse("empty"));
                        }
                    } catch (IOException e) {
                        failures.add(e.toString());
                    }
                }, clients));
            }
            CompletableFuture.allOf(wave.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
            waves++;
        }
        } finally {
            clients.shutdownNow();
        }
        CliResult result = upgrading.get(3, TimeUnit.MINUTES);
        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(failures).as("failed connections").isEmpty();
        assertThat(served.get()).isGreaterThanOrEqualTo(32);
        // The successor publishes its control socket just after the hand-over (docs/upgrade.md, limits).
        pids.add(awaitStatus("generation 2 serving", s -> s.path("generation").asLong() == 2
                && "serving".equals(s.path("state").asText())).path("pid").asLong());
    }

    @Test
    void takeoverAndSignalTriggeredUpgrades() throws Exception {
        ZentinelProcess first = start(baseConfig());
        try (CountingLoad load = new CountingLoad(http(), CountingLoad.Mode.KEEP_ALIVE, 4, "/app/t").start()) {
            awaitMoreTraffic(load, 50);
            ZentinelProcess second = ZentinelProcess.start(distribution, temp, "takeover", temp.resolve("run/control.sock"),
                    Map.of(), "run", "--config", configFile.toString(), "--takeover");
            pids.add(second.pid());
            second.awaitServing();
            assertThat(status().path("generation").asLong()).isEqualTo(2);
            assertThat(first.awaitExit()).isZero();
            awaitMoreTraffic(load, 50);

            second.signal("HUP");
            JsonNode third = awaitStatus("generation 3 after SIGHUP",
                    s -> s.path("generation").asLong() == 3 && "serving".equals(s.path("state").asText()));
            pids.add(third.path("pid").asLong());
            assertThat(second.awaitExit()).isZero();
            awaitMoreTraffic(load, 50);
            load.close();
            assertNoneFailed(load);
        }
    }
}
