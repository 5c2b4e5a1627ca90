package dev.zentinel.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.UnixChannel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class HandoffRoundTripTest extends HandoffTestSupport {

    @Test
    void listenersAndStateReachTheSuccessorWhichServesAfterTheOldCopyIsClosed() throws Exception {
        List<Channel> old = List.of(oldTcpListener(), oldTcpListener(), oldTcpListener());
        List<InheritedListener> offered = List.of(inherited("a", old.get(0)), inherited("b", old.get(1)), inherited("c", old.get(2)));
        StateSnapshot state = new StateSnapshot(7, Map.of("requests_total", 1234.0), Map.of("health", "{\"a\":1}"));
        TestAcceptor acceptor = new TestAcceptor(peer -> new HandoffOffer(7, offered, state));
        HandoffListener listener = listen(acceptor);

        IncomingHandoff incoming = connect();
        assertThat(incoming.generation()).isEqualTo(7);
        assertThat(incoming.snapshot()).isEqualTo(state);
        assertThat(incoming.predecessor().pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(incoming.listeners()).extracting(InheritedListener::entry)
                .containsExactly(offered.get(0).entry(), offered.get(1).entry(), offered.get(2).entry());
        // The successor owns distinct copies of the same sockets.
        for (int i = 0; i < 3; i++) {
            assertThat(incoming.listeners().get(i).fd().intValue()).isNotEqualTo(offered.get(i).fd().intValue());
            assertThat(ListenerAdopter.describe(incoming.listeners().get(i).fd()))
                    .isEqualTo("tcp " + offered.get(i).entry().address() + " listening");
        }

        // Adopt "a" and "b"; "c" is not in the successor's config and gets closed.
        List<Channel> adopted = new ArrayList<>();
        for (InheritedListener l : incoming.listeners().subList(0, 2)) {
            ServerChannel ch = ListenerAdopter.adopt(l.fd(), l.entry());
            adopted.add(TcpListeners.register(group, ch, "new"));
        }
        assertThat(incoming.closeUnadopted(List.of("a", "b"))).isEqualTo(1);
        assertThat(incoming.listeners().get(2).fd().isOpen()).isFalse();

        HandoffSession session = acceptor.nextSession();
        CompletableFuture<Void> acked = incoming.ready("test-successor", Duration.ofMillis(5));
        ReadyReport report = await(session.outcome());
        assertThat(report.version()).isEqualTo("test-successor");
        assertThat(report.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(report.successorStartup()).isEqualTo(Duration.ofMillis(5));

        // The old process stops accepting by closing its own copies only.
        for (Channel ch : old) {
            ch.close().sync();
        }
        session.acknowledgeReady();
        await(acked);

        assertThat(TcpListeners.greetingAt(TcpListeners.port(adopted.get(0)))).isEqualTo("new");
        assertThat(TcpListeners.greetingAt(TcpListeners.port(adopted.get(1)))).isEqualTo("new");
        for (Channel ch : adopted) {
            ch.close().sync();
        }
        listener.close();
        assertThat(socketPath()).doesNotExist();
    }

    @Test
    void connectionsQueuedBeforeAdoptionAreAcceptedByTheSuccessor() throws Exception {
        // An old listener that does not accept: connections wait in the kernel's accept queue.
        Channel old = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 64).option(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        int port = TcpListeners.port(old);
        TestAcceptor acceptor = new TestAcceptor(peer -> offerOf(1, inherited("main", old)));
        listen(acceptor);

        List<Socket> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(30_000);
            queued.add(s);
            toClose.add(s);
        }

        IncomingHandoff incoming = connect();
        old.close().sync();
        InheritedListener l = incoming.listeners().get(0);
        Channel adopted = TcpListeners.register(group, ListenerAdopter.adopt(l.fd(), l.entry()), "new");
        toClose.add(() -> adopted.close().syncUninterruptibly());

        for (Socket s : queued) {
            String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertThat(line).isEqualTo("new");
        }
        assertThat(TcpListeners.greetingAt(port)).isEqualTo("new");
    }

    @Test
    void manyListenersArriveInOrderAcrossSeveralReads() throws Exception {
        // More descriptors than one read loop handles (16 messages) and than fit one SCM_RIGHTS batch elsewhere.
        List<InheritedListener> offered = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            offered.add(inherited("l" + i, oldTcpListener()));
        }
        TestAcceptor acceptor = new TestAcceptor(peer -> new HandoffOffer(2, offered, StateSnapshot.empty(2)));
        listen(acceptor);

        IncomingHandoff incoming = connect();
        assertThat(incoming.listeners()).hasSize(40);
        for (int i = 0; i < 40; i++) {
            InheritedListener got = incoming.listeners().get(i);
            assertThat(got.entry()).isEqualTo(offered.get(i).entry());
            assertThat(ListenerAdopter.describe(got.fd())).isEqualTo("tcp " + offered.get(i).entry().address() + " listening");
        }
        assertThat(incoming.closeUnadopted(List.of())).isEqualTo(40);
    }

    @Test
    void aLargeSnapshotAndNoListenersArriveIntact() throws Exception {
        Map<String, Double> counters = new TreeMap<>();
        for (int i = 0; i < 5000; i++) {
            counters.put("counter_with_a_long_name_" + i, (double) i);
        }
        StateSnapshot big = new StateSnapshot(3, counters, Map.of("blob", "x".repeat(300_000)));
        TestAcceptor acceptor = new TestAcceptor(peer -> new HandoffOffer(3, List.of(), big));
        listen(acceptor);

        IncomingHandoff incoming = connect();
        assertThat(incoming.snapshot()).isEqualTo(big);
        assertThat(incoming.listeners()).isEmpty();
        HandoffSession session = acceptor.nextSession();
        CompletableFuture<Void> acked = incoming.ready("v", Duration.ZERO);
        await(session.outcome());
        session.acknowledgeReady();
        await(acked);
    }

    @Test
    void theOldProcessKeepsItsOwnCopyOfEverySentSocket() throws Exception {
        Channel old = oldTcpListener();
        TestAcceptor acceptor = new TestAcceptor(peer -> offerOf(1, inherited("main", old)));
        listen(acceptor);

        IncomingHandoff incoming = connect();
        incoming.fail("the test says no");
        assertThat(failureOf(acceptor.nextSession().outcome())).hasMessageContaining("the test says no");
        incoming.closeUnadopted(List.of());

        assertThat(((UnixChannel) old).fd().isOpen()).isTrue();
        assertThat(TcpListeners.greetingAt(TcpListeners.port(old))).isEqualTo("old");
    }
}
