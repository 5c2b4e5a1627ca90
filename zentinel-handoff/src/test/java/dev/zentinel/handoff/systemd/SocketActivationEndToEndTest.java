package dev.zentinel.handoff.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real socket activation: systemd-socket-activate binds 127.0.0.1:port, execs a JVM with the socket as
 * fd 3 (LISTEN_PID is the JVM's pid because it execs, so the pid of the started process is the JVM's),
 * and the JVM adopts it, says MAINPID+READY on a real notify socket and answers over TCP.
 */
class SocketActivationEndToEndTest {

    private static final Duration GENEROUS = Duration.ofSeconds(60);
    private static EventLoopGroup group;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startGroup() {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterAll
    static void stopGroup() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aJvmServesOnTheSocketSystemdActivated() throws Exception {
        Optional<Path> activate = executable("systemd-socket-activate");
        assumeTrue(activate.isPresent(), "systemd-socket-activate is not installed (Debian package: systemd)");
        int port = freePort();
        String address = "127.0.0.1:" + port;
        Path log = tmp.resolve("child.log");
        try (NotifySocketListener notify = NotifySocketListener.atPath(group, tmp.resolve("notify").toString())) {
            ProcessBuilder builder = new ProcessBuilder(activate.get().toString(), "--listen=" + address, "--fdname=http",
                    // systemd-socket-activate passes on only the variables named here.
                    "--setenv=NOTIFY_SOCKET",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), ActivatedLineServerMain.class.getName(), address)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("NOTIFY_SOCKET", notify.notifySocket());
            Process process = builder.start();
            try {
                // Connect as soon as the socket exists, before the JVM is up: the kernel queues the
                // connection on the activated socket until the JVM adopts it and accepts. (Version 252
                // of systemd-socket-activate even waits for this first connection before it execs.)
                AtomicReference<Socket> client = new AtomicReference<>();
                await().atMost(GENEROUS).ignoreExceptions().until(() -> {
                    client.set(connect(port));
                    return true;
                });
                try (Socket connected = client.get()) {
                    String line = new BufferedReader(new InputStreamReader(connected.getInputStream(), StandardCharsets.US_ASCII))
                            .readLine();
                    assertThat(line).as(() -> childLog(log)).isEqualTo("fd=3 name=http pid=" + process.pid());
                }
                assertThat(notify.next(GENEROUS)).as(() -> childLog(log))
                        .isEqualTo("MAINPID=" + process.pid() + "\nREADY=1\nSTATUS=serving http on " + address);
                try (Socket again = connect(port)) {
                    assertThat(new BufferedReader(new InputStreamReader(again.getInputStream(), StandardCharsets.US_ASCII))
                            .readLine()).isEqualTo("fd=3 name=http pid=" + process.pid());
                }
            } finally {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout((int) GENEROUS.toMillis());
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static Optional<Path> executable(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        return Stream.concat(Stream.of(path.split(":")), Stream.of("/usr/bin", "/bin"))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static String childLog(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return "child output:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "child output unavailable: " + e;
        }
    }
}
