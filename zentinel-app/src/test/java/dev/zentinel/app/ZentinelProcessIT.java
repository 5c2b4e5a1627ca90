package dev.zentinel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zentinel.app.testkit.CliResult;
import dev.zentinel.app.testkit.Distribution;
import dev.zentinel.app.testkit.FreePorts;
import dev.zentinel.app.testkit.HttpProbe;
import dev.zentinel.app.testkit.OriginServer;
import dev.zentinel.app.testkit.ZentinelCli;
import dev.zentinel.app.testkit.ZentinelConfig;
import dev.zentinel.app.testkit.ZentinelProcess;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The distribution's bin/zentinel as real processes: run, proxy, status, stop, signals, refusals. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ZentinelProcessIT {

    private static final Map<String, String> ENV = Map.of();

    private final Distribution distribution = Distribution.fromSystemProperty();
    private final FreePorts ports = new FreePorts();
    private final HttpProbe http = new HttpProbe();
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path temp;

    private ZentinelCli cli;
    private Path runtime;

    @BeforeEach
    void setUp() {
        cli = new ZentinelCli(distribution, temp, ENV);
        runtime = temp.resolve("run");
    }

    private ZentinelProcess run(String label, ZentinelConfig config) {
        return ZentinelProcess.run(distribution, temp, label, config, temp.resolve(label + ".yaml"), ENV);
    }

    @Test
    void proxiesToAnOriginReportsStatusAndStopsViaTheCli() throws Exception {
        int port = ports.next();
        int adminPort = ports.next();
        try (OriginServer origin = OriginServer.start("a")) {
            ZentinelConfig config = ZentinelConfig.withRuntimeDirectory(runtime)
                    .listener("http", port)
                    .upstream("origin", origin.address())
                    .proxyRoute("all", "/", "origin")
                    .admin(adminPort);
            try (ZentinelProcess zentinel = run("zentinel", config).awaitServing()) {
                HttpResponse<String> response = http.get(port, "/hello");
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("origin a GET /hello\n");

                CliResult status = cli.run("status", "--config", temp.resolve("zentinel.yaml").toString());
                assertThat(status.exitCode()).as(status.toString()).isZero();
                JsonNode report = json.readTree(status.stdout());
                assertThat(report.path("pid").asLong()).isEqualTo(zentinel.pid());
                assertThat(report.path("version").asText()).isEqualTo("0.1.0");
                assertThat(report.path("generation").asLong()).isEqualTo(1);
                assertThat(report.path("state").asText()).isEqualTo("serving");
                assertThat(report.path("startedAt").asText()).isNotBlank();
                assertThat(report.path("connections").isNumber()).isTrue();
                assertThat(report.path("draining").isArray()).isTrue();
                assertThat(report.path("draining")).isEmpty();
                assertThat(report.path("listeners")).hasSize(1);
                assertThat(report.path("listeners").get(0).path("name").asText()).isEqualTo("http");
                assertThat(report.path("listeners").get(0).path("address").asText()).isEqualTo("127.0.0.1:" + port);

                HttpResponse<String> adminStatus = http.get(adminPort, "/status");
                assertThat(adminStatus.statusCode()).isEqualTo(200);
                assertThat(json.readTree(adminStatus.body()).path("pid").asLong()).isEqualTo(zentinel.pid());

                CliResult stop = cli.run("stop", "--config", temp.resolve("zentinel.yaml").toString());
                assertThat(stop.exitCode()).as(stop.toString()).isZero();
                assertThat(stop.stdout()).contains("zentinel pid " + zentinel.pid() + " stopped");
                assertThat(zentinel.isAlive()).isFalse();
                assertThat(zentinel.awaitExit()).as(zentinel.stderr()).isZero();
            }
            assertThat(runtime.resolve("control.sock")).doesNotExist();
            assertThat(runtime.resolve("zentinel.pid")).doesNotExist();

            CliResult after = cli.run("status", "--runtime-dir", runtime.toString());
            assertThat(after.exitCode()).as(after.toString()).isEqualTo(3);
            assertThat(after.stderr()).isEqualTo("zentinel: no running zentinel at " + runtime.resolve("control.sock")
                    + "\n");
        }
    }

    @Test
    void sigtermLetsAnInFlightRequestFinishThenExitsZero() throws Exception {
        int port = ports.next();
        try (OriginServer origin = OriginServer.start("slow")) {
            ZentinelConfig config = ZentinelConfig.withRuntimeDirectory(runtime)
                    .listener("http", port)
                    .upstream("origin", origin.address())
                    .proxyRoute("all", "/", "origin")
                    .drainTimeout("60s");
            try (ZentinelProcess zentinel = run("zentinel", config).awaitServing()) {
                CompletableFuture<HttpResponse<String>> inFlight = http.getAsync(port, "/gate/one",
                        Duration.ofSeconds(120));
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> origin.waitingAtGate() == 1);

                zentinel.terminate();

                Awaitility.await().atMost(Duration.ofSeconds(60))
                        .until(() -> "draining".equals(zentinel.status().path("state").asText()));
                assertThat(zentinel.status().path("connections").asLong()).isEqualTo(1);
                assertThatThrownBy(() -> new Socket().connect(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000))
                        .isInstanceOf(ConnectException.class);
                assertThat(inFlight).isNotDone();

                origin.openGate();

                HttpResponse<String> response = inFlight.get(60, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("origin slow GET /gate/one\n");
                assertThat(response.headers().firstValue("connection")).hasValue("close");
                assertThat(zentinel.awaitExit()).as(zentinel.stderr()).isZero();
                assertThat(zentinel.stderr()).contains("stopping (SIGTERM)").contains("stopped in");
            }
            assertThat(runtime.resolve("control.sock")).doesNotExist();
        }
    }

    @Test
    void aSecondSigtermWhileDrainingClosesTheRemainingConnectionsAndExitsZero() throws Exception {
        int port = ports.next();
        try (OriginServer origin = OriginServer.start("stuck")) {
            ZentinelConfig config = ZentinelConfig.withRuntimeDirectory(runtime)
                    .listener("http", port)
                    .upstream("origin", origin.address())
                    .proxyRoute("all", "/", "origin")
                    .drainTimeout("10m");
            try (ZentinelProcess zentinel = run("zentinel", config).awaitServing()) {
                CompletableFuture<HttpResponse<String>> inFlight = http.getAsync(port, "/gate/stuck",
                        Duration.ofSeconds(120));
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> origin.waitingAtGate() == 1);
                zentinel.terminate();
                Awaitility.await().atMost(Duration.ofSeconds(60))
                        .until(() -> "draining".equals(zentinel.status().path("state").asText()));

                zentinel.terminate();

                assertThat(zentinel.awaitExit()).as(zentinel.stderr()).isZero();
                assertThat(zentinel.stderr()).contains("closing the remaining connections now");
                assertThat(inFlight).failsWithin(Duration.ofSeconds(60));
                assertThat(origin.waitingAtGate()).isEqualTo(1);
            }
        }
    }

    @Test
    void underNohupTheIgnoredSighupIsReportedAndDoesNotDisturbServing() throws Exception {
        int port = ports.next();
        ZentinelConfig config = ZentinelConfig.withRuntimeDirectory(runtime)
                .listener("http", port)
                .respondRoute("all", "/", 200, "ok\n");
        Path configFile = temp.resolve("zentinel.yaml");
        config.writeTo(configFile);
        // nohup execs the launcher, which execs java: the pid is the JVM's.
        List<String> command = List.of("nohup", distribution.launcher().toString(),
                "run", "--config", configFile.toString());
        try (ZentinelProcess zentinel = ZentinelProcess.startCommand(temp, "zentinel", config.controlSocket(), ENV,
                command).awaitServing()) {
            Awaitility.await("the ignored-SIGHUP warning").atMost(Duration.ofSeconds(30))
                    .until(() -> zentinel.stderr().contains("SIGHUP was ignored when this process started"));

            // The kernel discards a signal whose disposition is "ignore" when it is sent, so once
            // kill(1) has returned there is nothing left to arrive later.
            zentinel.signal("HUP");

            JsonNode status = zentinel.status();
            assertThat(status.path("pid").asLong()).isEqualTo(zentinel.pid());
            assertThat(status.path("state").asText()).isEqualTo("serving");
            assertThat(status.path("generation").asLong()).isEqualTo(1);
            assertThat(http.get(port, "/").body()).isEqualTo("ok\n");
            assertThat(zentinel.stderr()).doesNotContain("SIGHUP received");
        }
    }

    @Test
    void aStopDuringTheWarmUpEndsTheStartUpAndExitsCleanly() {
        ZentinelConfig config = ZentinelConfig.withRuntimeDirectory(runtime)
                .listener("http", ports.next())
                .respondRoute("all", "/", 200, "ok\n")
                .warmupRequests(5_000_000)
                .warmupTimeout("20s");
        try (ZentinelProcess zentinel = run("zentinel", config)) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> "starting".equals(zentinel.status().path("state").asText()));

            CliResult stop = cli.run("stop", "--runtime-dir", runtime.toString());

            assertThat(stop.exitCode()).as(stop.toString()).isZero();
            assertThat(zentinel.awaitExit()).as(zentinel.stderr()).isZero();
            assertThat(zentinel.stderr()).contains("stopped during start-up (stop command)")
                    .contains("stopped during the warm-up");
        }
    }

    @Test
    void aSecondRunWithTheSameRuntimeDirectoryIsRefused() {
        ZentinelConfig first = ZentinelConfig.withRuntimeDirectory(runtime)
                .listener("http", ports.next())
                .respondRoute("all", "/", 200, "first\n");
        try (ZentinelProcess zentinel = run("first", first).awaitServing()) {
            Path secondConfig = ZentinelConfig.withRuntimeDirectory(runtime)
                    .listener("http", ports.next())
                    .respondRoute("all", "/", 200, "second\n")
                    .writeTo(temp.resolve("second.yaml"));

            CliResult second = cli.run("run", "--config", secondConfig.toString());

            assertThat(second.exitCode()).as(second.toString()).isEqualTo(1);
            assertThat(second.stderr()).contains("zentinel: already running, pid " + zentinel.pid());
            assertThat(second.stderr()).doesNotContain("\tat ");
            assertThat(zentinel.status().path("state").asText()).isEqualTo("serving");

            zentinel.terminate();
            assertThat(zentinel.awaitExit()).isZero();
        }
    }

    @Test
    void aPortInUseFailsTheStartWithOneClearLine() throws Exception {
        try (ServerSocket occupied = new ServerSocket()) {
            occupied.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Path config = ZentinelConfig.withRuntimeDirectory(runtime)
                    .listener("http", occupied.getLocalPort())
                    .respondRoute("all", "/", 200, "never\n")
                    .writeTo(temp.resolve("busy.yaml"));

            CliResult result = cli.run("run", "--config", config.toString());

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
            assertThat(result.stderr().lines().filter(l -> l.startsWith("zentinel: ")))
                    .singleElement().asString()
                    .contains(Integer.toString(occupied.getLocalPort()))
                    .containsIgnoringCase("address already in use");
            assertThat(result.stderr()).doesNotContain("\tat ");
            assertThat(runtime.resolve("control.sock")).doesNotExist();
            assertThat(runtime.resolve("zentinel.pid")).doesNotExist();
        }
    }

    @Test
    void checkReportsLineAndColumnOrConfigurationOk() throws Exception {
        Path bad = Files.writeString(temp.resolve("bad.yaml"), """
                listeners:
                  - name: http
                    address: 127.0.0.1:8080
                    colour: blue
                routes:
                  - name: all
                    respond: { status: 200 }
                """);
        Path good = ZentinelConfig.withRuntimeDirectory(runtime)
                .listener("http", 8080)
                .respondRoute("all", "/", 200, "ok\n")
                .writeTo(temp.resolve("good.yaml"));

        CliResult failed = cli.run("check", "--config", bad.toString());
        CliResult passed = cli.run("check", "--config", good.toString());

        assertThat(failed.exitCode()).as(failed.toString()).isNotZero();
        assertThat(failed.stderr()).startsWith(bad + ":4:5: ").contains("colour");
        assertThat(failed.stderr()).doesNotContain("\tat ");
        assertThat(passed.exitCode()).as(passed.toString()).isZero();
        assertThat(passed.stdout()).startsWith("configuration ok");
    }

    @Test
    void anUnsafeRuntimeDirectoryIsRefused() throws Exception {
        Files.createDirectory(runtime, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path config = ZentinelConfig.withRuntimeDirectory(runtime)
                .listener("http", ports.next())
                .respondRoute("all", "/", 200, "never\n")
                .writeTo(temp.resolve("unsafe.yaml"));

        CliResult result = cli.run("run", "--config", config.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.stderr()).contains("zentinel: runtime directory " + runtime + " has mode 0755");
    }
}
