package dev.zentinel.app.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.zentinel.app.control.ControlCommand;
import dev.zentinel.app.control.ControlProtocol;
import dev.zentinel.app.control.DomainSockets;
import dev.zentinel.app.runtime.CurrentProcess;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ControlPlaneWarmUpTest {

    private final DomainSockets sockets = DomainSockets.detect();
    private final ControlProtocol protocol = new ControlProtocol();
    private final AtomicInteger answered = new AtomicInteger();
    private final Set<String> servingThreads = ConcurrentHashMap.newKeySet();
    private final ControlCommand status = (request, peer) -> {
        answered.incrementAndGet();
        servingThreads.add(Thread.currentThread().getName());
        return CompletableFuture.completedFuture(JsonNodeFactory.instance.objectNode().put("state", "starting"));
    };

    @TempDir
    Path temp;

    private EventLoopGroup controlGroup;

    @BeforeEach
    void setUp() {
        controlGroup = sockets.newGroup(1, "test-control");
    }

    @AfterEach
    void tearDown() {
        controlGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void exchangesStatusOnThePrivateSocketOnTheGivenGroupUntilClosed() {
        Path socket = temp.resolve("warmup.1.sock");
        ControlPlaneWarmUp warmUp = ControlPlaneWarmUp.start(socket, status, CurrentProcess.get().uid(), sockets,
                controlGroup, protocol).orElseThrow();
        await().atMost(Duration.ofSeconds(30)).until(() -> warmUp.exchanges() >= 5);
        warmUp.close();

        assertThat(warmUp.failures()).isZero();
        assertThat(answered.get()).isGreaterThanOrEqualTo(warmUp.exchanges());
        assertThat(servingThreads).as("the control plane's own event loop answered").allMatch(
                name -> name.startsWith("test-control"));
        assertThat(Files.exists(socket)).as("the private socket is removed").isFalse();
        assertThat(warmUp.exchanges()).isLessThanOrEqualTo(ControlPlaneWarmUp.MAX_EXCHANGES);
    }

    @Test
    void aSocketThatCannotBeBoundMeansNoWarmUpNotAFailure() {
        Path socket = temp.resolve("missing-directory").resolve("warmup.1.sock");
        assertThat(ControlPlaneWarmUp.start(socket, status, CurrentProcess.get().uid(), sockets, controlGroup,
                protocol)).isEmpty();
    }
}
