package dev.zentinel.app.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zentinel.app.control.ControlCommand;
import dev.zentinel.app.control.ControlCommandException;
import dev.zentinel.app.control.ControlProtocol;
import dev.zentinel.app.control.ControlServer;
import dev.zentinel.app.control.ControlServerSettings;
import dev.zentinel.app.control.DomainSockets;
import dev.zentinel.app.runtime.CurrentProcess;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sending side of drain reports against a real control server on a Unix socket. */
class DrainReporterTest {

    private static final Duration BUDGET = Duration.ofSeconds(30);

    @TempDir
    Path temp;

    private final DomainSockets sockets = DomainSockets.detect();
    private final ControlProtocol protocol = new ControlProtocol();
    private final DrainReport report = new DrainReport(1, ProcessHandle.current().pid(), 4, 1, Duration.ofMillis(250),
            Instant.parse("2026-01-01T00:00:00Z"));
    private EventLoopGroup group;
    private Path socket;

    @BeforeEach
    void setUp() {
        group = sockets.newGroup(1, "test-drain-report");
        socket = temp.resolve("control.sock");
    }

    @AfterEach
    void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private ControlServer serve(ControlCommand command) {
        return ControlServer.bind(socket, Map.of(DrainReport.COMMAND, command), ControlServerSettings.defaults(),
                CurrentProcess.get().uid(), sockets, group, protocol);
    }

    @Test
    void theServingInstanceReceivesTheFiguresFromOurPid() throws Exception {
        CompletableFuture<ObjectNode> received = new CompletableFuture<>();
        CompletableFuture<Long> peerPid = new CompletableFuture<>();
        try (ControlServer server = serve((request, peer) -> {
            received.complete(request.arguments());
            peerPid.complete(peer.pid());
            return CompletableFuture.completedFuture(JsonNodeFactory.instance.objectNode().put("counted", true));
        })) {
            assertThat(new DrainReporter(sockets, protocol).report(socket, report, BUDGET)).isTrue();
        }
        assertThat(DrainReport.fromArguments(received.get(0, TimeUnit.SECONDS))).isEqualTo(report);
        assertThat(peerPid.get(0, TimeUnit.SECONDS)).isEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void aSocketPublishedAfterTheReportBeganStillGetsIt() throws Exception {
        CompletableFuture<ObjectNode> received = new CompletableFuture<>();
        CompletableFuture<Boolean> reported = CompletableFuture.supplyAsync(
                () -> new DrainReporter(sockets, protocol).report(socket, report, BUDGET));
        try (ControlServer server = serve((request, peer) -> {
            received.complete(request.arguments());
            return CompletableFuture.completedFuture(JsonNodeFactory.instance.objectNode());
        })) {
            assertThat(reported.get(BUDGET.toSeconds() * 2, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(received).isCompleted();
    }

    @Test
    void noServingInstanceMeansNotDeliveredWithinTheBudget() {
        assertThat(new DrainReporter(sockets, protocol).report(socket, report, Duration.ofMillis(300))).isFalse();
    }

    @Test
    void aRefusalIsNotRetried() throws Exception {
        java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        try (ControlServer server = serve((request, peer) -> {
            count.incrementAndGet();
            return CompletableFuture.failedFuture(new ControlCommandException("drain report rejected: foreign"));
        })) {
            assertThat(new DrainReporter(sockets, protocol).report(socket, report, BUDGET)).isFalse();
        }
        assertThat(count.get()).isEqualTo(1);
    }
}
