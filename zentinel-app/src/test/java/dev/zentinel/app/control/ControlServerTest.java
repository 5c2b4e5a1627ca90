package dev.zentinel.app.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.zentinel.app.runtime.CurrentProcess;
import io.netty.channel.EventLoopGroup;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ControlServerTest {

    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(20);

    private final long uid = CurrentProcess.get().uid();
    private final DomainSockets sockets = DomainSockets.detect();
    private final ControlProtocol protocol = new ControlProtocol();
    private final Map<String, ControlCommand> commands = Map.of(
            "status", (request, peer) -> CompletableFuture.completedFuture(
                    JsonNodeFactory.instance.objectNode().put("state", "serving")),
            "whoami", (request, peer) -> CompletableFuture.completedFuture(
                    JsonNodeFactory.instance.objectNode().put("pid", peer.pid()).put("uid", peer.uid())),
            "refuse", (request, peer) -> CompletableFuture.failedFuture(new ControlCommandException("not now")),
            "broken", (request, peer) -> {
                throw new IllegalStateException("bug");
            });

    @TempDir
    Path temp;

    private EventLoopGroup group;
    private ControlClient client;
    private Path socket;

    @BeforeEach
    void setUp() {
        group = sockets.newGroup(1, "test-control");
        client = new ControlClient(sockets, protocol);
        socket = temp.resolve("control.sock");
    }

    @AfterEach
    void tearDown() {
        client.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private ControlServer bind(ControlServerSettings settings) {
        return ControlServer.bind(socket, commands, settings, uid, sockets, group, protocol);
    }

    private ControlServer bind() {
        return bind(ControlServerSettings.defaults());
    }

    private JsonNode status() throws Exception {
        ControlResponse response = client.send(socket, ControlRequest.of("status"), CLIENT_TIMEOUT);
        assertThat(response.ok()).as("status response ok: %s", response.error()).isTrue();
        return response.result();
    }

    @Test
    void answersARequestAndPublishesOnlyA0600Socket() throws Exception {
        try (ControlServer server = bind()) {
            assertThat(status().path("state").asText()).isEqualTo("serving");
            assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            try (Stream<Path> files = Files.list(temp)) {
                assertThat(files).containsExactly(socket);
            }
            assertThat(server.ownsPublishedPath()).isTrue();
        }
        assertThat(Files.exists(socket)).isFalse();
    }

    @Test
    void commandsLearnThePeerFromTheKernel() throws Exception {
        try (ControlServer server = bind()) {
            ControlResponse response = client.send(socket, ControlRequest.of("whoami"), CLIENT_TIMEOUT);
            assertThat(response.ok()).as("%s", response.error()).isTrue();
            assertThat(response.result().path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
            assertThat(response.result().path("uid").asLong()).isEqualTo(uid);
        }
    }

    @Test
    void garbageGetsAnErrorLineAndTheServerKeepsServing() throws Exception {
        try (ControlServer server = bind()) {
            for (String garbage : List.of("hello\n", "{\"command\":\n", "[1,2,3]\n", "\n")) {
                try (RawControlConnection raw = RawControlConnection.open(socket)) {
                    raw.send(garbage);
                    JsonNode answer = protocol.mapper().readTree(raw.readLine());
                    assertThat(answer.path("ok").asBoolean(true)).isFalse();
                    assertThat(answer.path("error").asText()).isNotBlank();
                    assertThat(raw.closedByServer()).isTrue();
                }
            }
            try (RawControlConnection raw = RawControlConnection.open(socket)) {
                raw.send(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, '\n'});
                assertThat(protocol.parseResponse(raw.readLine()).ok()).isFalse();
            }
            assertThat(status().path("state").asText()).isEqualTo("serving");
        }
    }

    @Test
    void anOverlongLineIsRefusedWithoutReadingItAll() throws Exception {
        try (ControlServer server = bind(new ControlServerSettings(1024, Duration.ofSeconds(10), 16))) {
            try (RawControlConnection raw = RawControlConnection.open(socket)) {
                raw.send("{\"command\":\"status\",\"x\":\"" + "a".repeat(4096));
                ControlResponse answer = protocol.parseResponse(raw.readLine());
                assertThat(answer.ok()).isFalse();
                assertThat(answer.error()).contains("longer than 1024 bytes");
            }
            assertThat(status().path("state").asText()).isEqualTo("serving");
        }
    }

    @Test
    void onlyTheFirstLineOfAConnectionIsAnswered() throws Exception {
        try (ControlServer server = bind()) {
            try (RawControlConnection raw = RawControlConnection.open(socket)) {
                raw.send("{\"command\":\"status\"}\n{\"command\":\"status\"}\n");
                assertThat(protocol.parseResponse(raw.readLine()).ok()).isTrue();
                assertThat(raw.readLine()).isNull();
            }
        }
    }

    @Test
    void unknownCommandsAndCommandFailuresAreErrorResponses() throws Exception {
        try (ControlServer server = bind()) {
            ControlResponse unknown = client.send(socket, ControlRequest.of("reboot"), CLIENT_TIMEOUT);
            assertThat(unknown.ok()).isFalse();
            assertThat(unknown.error()).contains("unknown command \"reboot\"").contains("status");

            ControlResponse refused = client.send(socket, ControlRequest.of("refuse"), CLIENT_TIMEOUT);
            assertThat(refused.ok()).isFalse();
            assertThat(refused.error()).isEqualTo("not now");

            ControlResponse broken = client.send(socket, ControlRequest.of("broken"), CLIENT_TIMEOUT);
            assertThat(broken.ok()).isFalse();
            assertThat(broken.error()).contains("internal error");

            assertThat(status().path("state").asText()).isEqualTo("serving");
        }
    }

    @Test
    void aSilentClientIsAnsweredWithATimeoutAndClosed() throws Exception {
        try (ControlServer server = bind(new ControlServerSettings(1024, Duration.ofMillis(300), 16))) {
            try (RawControlConnection raw = RawControlConnection.open(socket)) {
                ControlResponse answer = protocol.parseResponse(raw.readLine());
                assertThat(answer.ok()).isFalse();
                assertThat(answer.error()).contains("no request line");
                assertThat(raw.closedByServer()).isTrue();
            }
        }
    }

    @Test
    void connectionsBeyondTheLimitAreRefused() throws Exception {
        try (ControlServer server = bind(new ControlServerSettings(1024, Duration.ofSeconds(30), 1))) {
            try (RawControlConnection holder = RawControlConnection.open(socket)) {
                ControlResponse refused = client.send(socket, ControlRequest.of("status"), CLIENT_TIMEOUT);
                assertThat(refused.ok()).isFalse();
                assertThat(refused.error()).contains("too many control connections");
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(
                    () -> assertThat(client.send(socket, ControlRequest.of("status"), CLIENT_TIMEOUT).ok()).isTrue());
        }
    }

    @Test
    void aSuccessorReplacesThePublishedSocketAndThePredecessorLeavesItAlone() throws Exception {
        ControlServer predecessor = bind();
        try (ControlServer successor = bind()) {
            assertThat(predecessor.ownsPublishedPath()).isFalse();
            assertThat(successor.ownsPublishedPath()).isTrue();

            predecessor.close();

            assertThat(Files.exists(socket)).isTrue();
            assertThat(status().path("state").asText()).isEqualTo("serving");
        }
        assertThat(Files.exists(socket)).isFalse();
    }

    @Test
    void aStaleSocketIsReportedAndReplaced() throws Exception {
        try (ServerSocketChannel dead = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(Files.exists(socket)).isTrue();

        assertThatThrownBy(() -> client.send(socket, ControlRequest.of("status"), CLIENT_TIMEOUT))
                .isInstanceOfSatisfying(NoRunningInstanceException.class, e -> {
                    assertThat(e.staleSocket()).isTrue();
                    assertThat(e.getMessage()).contains("no running zentinel at " + socket);
                });
        try (ControlServer server = bind()) {
            assertThat(status().path("state").asText()).isEqualTo("serving");
        }
    }

    @Test
    void noSocketFileMeansNoRunningInstance() {
        assertThatThrownBy(() -> client.send(socket, ControlRequest.of("status"), CLIENT_TIMEOUT))
                .isInstanceOfSatisfying(NoRunningInstanceException.class,
                        e -> assertThat(e.staleSocket()).isFalse());
    }

    @Test
    void aPeerWithAnotherUidIsRejectedWithoutAnAnswer() throws Exception {
        assumeTrue(uid == 0, "running a client as another user needs root");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(Path.of("/usr/bin/perl")),
                "needs setpriv and perl");
        // The directory and socket modes are the first barrier; open them up so the uid check is what is tested.
        Path shared = Files.createTempDirectory(Path.of("/tmp"), "zentinel-peer-test");
        try {
            Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
            socket = shared.resolve("control.sock");
            try (ControlServer server = bind()) {
                Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
                Process nobody = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                        "--clear-groups", "/usr/bin/perl", "-MIO::Socket::UNIX", "-e",
                        "$SIG{PIPE} = 'IGNORE'; my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die \"connect: $!\\n\";"
                                + " print $s qq({\"command\":\"status\"}\\n); my $l = <$s>;"
                                + " print defined $l ? \"ANSWER $l\" : \"CLOSED\\n\";",
                        socket.toString())
                        .redirectErrorStream(true)
                        .start();
                assertThat(nobody.waitFor(30, TimeUnit.SECONDS)).isTrue();
                String output = new String(nobody.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(output).isEqualTo("CLOSED\n");
                assertThat(status().path("state").asText()).isEqualTo("serving");
            }
        } finally {
            Files.deleteIfExists(shared.resolve("control.sock"));
            Files.deleteIfExists(shared);
        }
    }

    @Test
    void settingsRejectNonsense() {
        assertThatThrownBy(() -> new ControlServerSettings(10, Duration.ofSeconds(1), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ControlServerSettings(1024, Duration.ZERO, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ControlServerSettings(1024, Duration.ofSeconds(1), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

}
