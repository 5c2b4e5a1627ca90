package dev.zentinel.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.UnixChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandoffRoundTripTest {

    @TempDir
    Path tmp;

    private EventLoopGroup group;

    @BeforeEach
    void setUp() {
        group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    }

    @AfterEach
    void tearDown() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void listenersAndStateReachTheSuccessorWhichServesAfterTheOldCopyIsClosed() throws Exception {
        Channel oldListener = TcpListeners.bind(group, "old");
        int port = TcpListeners.port(oldListener);
        ListenerEntry entry = new ListenerEntry("main", TcpListeners.address(oldListener));
        StateSnapshot state = new StateSnapshot(7, Map.of("requests_total", 1234.0), Map.of("health", "{\"a\":1}"));
        CompletableFuture<HandoffSession> started = new CompletableFuture<>();
        HandoffAcceptor acceptor = new HandoffAcceptor() {
            @Override
            public HandoffOffer offer(PeerInfo peer) {
                return new HandoffOffer(7, List.of(new InheritedListener(entry, ((UnixChannel) oldListener).fd())), state);
            }

            @Override
            public void started(HandoffSession session) {
                started.complete(session);
            }
        };
        Path socket = tmp.resolve("run").resolve("handoff.sock");
        try (HandoffListener listener = HandoffListener.bind(socket, group, HandoffLimits.defaults(), acceptor).get(20, TimeUnit.SECONDS)) {
            IncomingHandoff incoming = HandoffClient.connect(socket, group, HandoffLimits.defaults(), "test-new").get(20, TimeUnit.SECONDS);
            assertThat(incoming.generation()).isEqualTo(7);
            assertThat(incoming.snapshot()).isEqualTo(state);
            assertThat(incoming.listeners()).extracting(InheritedListener::entry).containsExactly(entry);
            assertThat(ListenerAdopter.describe(incoming.listeners().get(0).fd())).isEqualTo("tcp " + entry.address() + " listening");

            ServerChannel adopted = ListenerAdopter.adopt(incoming.listeners().get(0).fd(), entry);
            Channel newListener = TcpListeners.register(group, adopted, "new");
            assertThat(incoming.closeUnadopted(List.of("main"))).isZero();

            HandoffSession session = started.get(20, TimeUnit.SECONDS);
            CompletableFuture<Void> acked = incoming.ready("test-new", Duration.ofMillis(5));
            ReadyReport report = session.outcome().get(20, TimeUnit.SECONDS);
            assertThat(report.version()).isEqualTo("test-new");
            assertThat(report.pid()).isEqualTo(ProcessHandle.current().pid());
            oldListener.close().sync();
            session.acknowledgeReady();
            acked.get(20, TimeUnit.SECONDS);

            assertThat(TcpListeners.greetingAt(port)).isEqualTo("new");
            newListener.close().sync();
        }
        assertThat(socket).doesNotExist();
    }
}
