package dev.zentinel.app.lifecycle;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.zentinel.app.control.ControlProtocol;
import dev.zentinel.app.control.ControlServer;
import dev.zentinel.app.control.ControlServerSettings;
import dev.zentinel.app.control.DomainSockets;
import dev.zentinel.app.runtime.CurrentProcess;
import io.netty.channel.EventLoopGroup;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveInstanceGuardTest {

    private static final Duration PROBE = Duration.ofSeconds(2);

    private final DomainSockets sockets = DomainSockets.detect();
    private final ControlProtocol protocol = new ControlProtocol();

    @TempDir
    Path temp;

    @Test
    void noSocketMeansFreeToStart() {
        assertThatCode(() -> LiveInstanceGuard.refuseIfRunning(temp.resolve("control.sock"), sockets, protocol, PROBE))
                .doesNotThrowAnyException();
    }

    @Test
    void aStaleSocketMeansFreeToStart() throws Exception {
        Path socket = temp.resolve("control.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }

        assertThatCode(() -> LiveInstanceGuard.refuseIfRunning(socket, sockets, protocol, PROBE))
                .doesNotThrowAnyException();
    }

    @Test
    void aLiveInstanceIsNamedByItsPid() {
        Path socket = temp.resolve("control.sock");
        EventLoopGroup group = sockets.newGroup(1, "test-live");
        try (ControlServer live = ControlServer.bind(socket,
                Map.of("status", (request, peer) -> CompletableFuture.completedFuture(
                        JsonNodeFactory.instance.objectNode().put("pid", 4242))),
                ControlServerSettings.defaults(), CurrentProcess.get().uid(), sockets, group, protocol)) {

            assertThatThrownBy(() -> LiveInstanceGuard.refuseIfRunning(socket, sockets, protocol, PROBE))
                    .isInstanceOf(StartupException.class)
                    .hasMessageStartingWith("already running, pid 4242");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aListenerThatNeverAnswersIsNotTakenForStale() throws Exception {
        Path socket = temp.resolve("control.sock");
        try (ServerSocketChannel silent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            silent.bind(UnixDomainSocketAddress.of(socket));

            assertThatThrownBy(() -> LiveInstanceGuard.refuseIfRunning(socket, sockets, protocol, PROBE))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("does not answer");
        }
    }
}
