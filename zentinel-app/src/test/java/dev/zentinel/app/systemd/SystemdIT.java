package dev.zentinel.app.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zentinel.app.testkit.CliResult;
import dev.zentinel.app.testkit.ControlStatus;
import dev.zentinel.app.testkit.Distribution;
import dev.zentinel.app.testkit.FreePorts;
import dev.zentinel.app.testkit.OriginServer;
import dev.zentinel.app.testkit.ZentinelCli;
import dev.zentinel.app.testkit.ZentinelConfig;
import dev.zentinel.app.testkit.ZentinelProcess;
import dev.zentinel.app.upgrade.CountingLoad;
import java.net.InetSocketAddress;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy under systemd's protocols, with systemd's own tool for socket activation and a real
 * datagram socket standing in for systemd's notify socket: activated listeners are adopted and
 * serve, an upgrade drops nothing, and the notify sequence is what systemd needs to follow the
 * main pid across the upgrade.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SystemdIT {

    private static final Path SOCKET_ACTIVATE = Path.of("/usr/bin/systemd-socket-activate");

    private final Distribution distribution = Distribution.fromSystemProperty();
    private final FreePorts ports = new FreePorts();

    @TempDir
    Path temp;

    private OriginServer origin;
    private NotifySocket notify;
    private ZentinelCli cli;
    private Path configFile;
    private int httpPort;

    @BeforeEach
    void setUp() throws Exception {
        assumeThat(Files.isExecutable(SOCKET_ACTIVATE))
                .as("systemd-socket-activate (Debian package systemd; .ci/run installs it) is needed").isTrue();
        origin = OriginServer.start("app");
        notify = NotifySocket.bind(temp.resolve("notify.sock"));
        cli = new ZentinelCli(distribution, temp, Map.of());
        configFile = temp.resolve("zentinel.yaml");
        httpPort = ports.next();
    }

    @AfterEach
    void tearDown() {
        if (notify != null) {
            notify.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    private ZentinelConfig config() {
        return ZentinelConfig.withRuntimeDirectory(temp.resolve("run"))
                .listener("http", httpPort)
                .upstream("app", origin.address())
                .proxyRoute("app", "/app", "app")
                .respondRoute("fallback", "/", 200, "fallback\n")
                .warmupRequests(200);
    }

    /** systemd-socket-activate listens, passes the socket as fd 3 named as given, and runs the launcher. */
    private ZentinelProcess activated(String label, List<String> listenArgs) {
        List<String> command = new java.util.ArrayList<>(listenArgs);
        command.add("--setenv=NOTIFY_SOCKET=" + temp.resolve("notify.sock"));
        command.add(distribution.launcher().toString());
        command.addAll(List.of("run", "--config", configFile.toString()));
        command.add(0, SOCKET_ACTIVATE.toString());
        return ZentinelProcess.startCommand(temp, label, temp.resolve("run/control.sock"), Map.of(), command);
    }

    @Test
    void socketActivatedProxyUpgradesAndNotifiesSystemd() throws Exception {
        config().writeTo(configFile);
        ZentinelProcess proxy = activated("activated",
                List.of("--listen=127.0.0.1:" + httpPort, "--fdname=http"));
        try {
            // systemd-socket-activate starts the service on the first connection; that one is served too.
            awaitActivationSocket();
            assertThat(get("/")).startsWith("HTTP/1.1 200");
            JsonNode first = awaitStatus(s -> s.path("generation").asLong() == 1
                    && "serving".equals(s.path("state").asText()));
            Awaitility.await("READY=1").atMost(Duration.ofSeconds(60))
                    .until(() -> notify.messages().stream().anyMatch(m -> m.contains("READY=1")));

            CountingLoad load = new CountingLoad(new InetSocketAddress("127.0.0.1", httpPort),
                    CountingLoad.Mode.KEEP_ALIVE, 4, "/app/systemd").start();
            awaitMore(load, 50);
            CliResult upgrade = cli.run(Duration.ofMinutes(3), "upgrade", "--config", configFile.toString());
            assertThat(upgrade.exitCode()).as("%s", upgrade).isZero();
            JsonNode second = awaitStatus(s -> s.path("generation").asLong() == 2
                    && "serving".equals(s.path("state").asText()));
            long newPid = second.path("pid").asLong();
            awaitMore(load, 50);
            load.close();
            assertThat(load.failed()).as("failed requests: %s", load.failureSamples()).isZero();

            CliResult stop = cli.run(Duration.ofMinutes(2), "stop", "--config", configFile.toString());
            assertThat(stop.exitCode()).as("%s", stop).isZero();
            Awaitility.await("STOPPING=1").atMost(Duration.ofSeconds(60))
                    .until(() -> notify.messages().stream().anyMatch(m -> m.contains("STOPPING=1")));

            List<String> messages = notify.messages();
            assertThat(messages).as("notify sequence").hasSize(4);
            assertThat(messages.get(0)).startsWith("READY=1").contains("STATUS=");
            assertThat(messages.get(1)).startsWith("RELOADING=1").containsPattern("MONOTONIC_USEC=\\d+");
            assertThat(messages.get(2)).startsWith("MAINPID=" + newPid + "\n").contains("READY=1");
            assertThat(messages.get(3)).isEqualTo("STOPPING=1");
            assertThat(first.path("pid").asLong()).isNotEqualTo(newPid);
        } finally {
            proxy.close();
        }
    }

    @Test
    void anActivatedSocketNoListenerWantsIsAClearError() throws Exception {
        int strayPort = ports.next();
        config().writeTo(configFile);
        ZentinelProcess proxy = activated("stray", List.of("--listen=127.0.0.1:" + httpPort,
                "--listen=127.0.0.1:" + strayPort, "--fdname=http:stray"));
        try {
            // The service starts on the first connection; it must then refuse to run.
            awaitActivationSocket();
            CompletableFuture.runAsync(() -> {
                try (Socket s = new Socket("127.0.0.1", httpPort)) {
                    s.setSoTimeout(60_000);
                    s.getInputStream().read();
                } catch (IOException ignored) {
                    // The service exits; the connection's fate is not what this test checks.
                }
            });
            assertThat(proxy.awaitExit()).isNotZero();
            assertThat(proxy.stderr()).contains("fd 4").contains(String.valueOf(strayPort));
        } finally {
            proxy.close();
        }
    }

    /** Until systemd-socket-activate has bound the port (a probe connection also starts the service). */
    private void awaitActivationSocket() {
        Awaitility.await("systemd-socket-activate listening").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .ignoreException(java.net.ConnectException.class)
                .until(() -> {
                    try (Socket probe = new Socket("127.0.0.1", httpPort)) {
                        return true;
                    }
                });
    }

    private static void awaitMore(CountingLoad load, long more) {
        long target = load.succeeded() + more;
        Awaitility.await("traffic").atMost(Duration.ofSeconds(60)).until(() -> load.succeeded() >= target);
    }

    private String get(String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", httpPort)) {
            socket.setSoTimeout(120_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private JsonNode awaitStatus(Predicate<JsonNode> condition) {
        return new ControlStatus(temp.resolve("run/control.sock")).await("serving", condition);
    }
}
