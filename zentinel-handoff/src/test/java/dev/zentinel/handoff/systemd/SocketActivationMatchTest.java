package dev.zentinel.handoff.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zentinel.handoff.HandoffException;
import dev.zentinel.handoff.ListenerAdopter;
import dev.zentinel.handoff.ListenerEntry;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Matching runs getsockname/getsockopt on real kernel sockets made here (their fd numbers are >= 3). */
class SocketActivationMatchTest {

    private final List<Socket> opened = new ArrayList<>();

    @BeforeAll
    static void natives() {
        Epoll.ensureAvailability();
    }

    @AfterEach
    void closeSockets() throws IOException {
        for (Socket socket : opened) {
            socket.close();
        }
    }

    @Test
    void matchesByNameWhenTheAddressAgrees() throws Exception {
        ActivatedSocket http = listening("http", "127.0.0.1", false);
        Map<String, ActivatedSocket> matched = SocketActivation.match(List.of(http),
                List.of(new ListenerEntry("admin", "127.0.0.1:1"), new ListenerEntry("http", "127.0.0.1:" + port(http))));
        assertThat(matched).containsOnlyKeys("http").containsEntry("http", http);
    }

    @Test
    void matchesUnnamedSocketsByAddressAndLeavesOtherListenersToTheApp() throws Exception {
        ActivatedSocket first = listening("unknown", "127.0.0.1", false);
        ActivatedSocket second = listening("zentinel.socket", "127.0.0.1", false);
        Map<String, ActivatedSocket> matched = SocketActivation.match(List.of(first, second), List.of(
                new ListenerEntry("a", "localhost:" + port(second)),
                new ListenerEntry("b", "127.0.0.1:" + port(first)),
                new ListenerEntry("c", "127.0.0.1:1")));
        assertThat(matched).containsExactly(Map.entry("b", first), Map.entry("a", second));
    }

    @Test
    void wildcardsOfEitherFamilyMatchAsTheAdopterAccepts() throws Exception {
        // What systemd's "ListenStream=8080" creates: a dual-stack socket bound to [::].
        ActivatedSocket any = listening("unknown", "::", false);
        ListenerEntry v4 = new ListenerEntry("http", "0.0.0.0:" + port(any));
        assertThat(SocketActivation.match(List.of(any), List.of(new ListenerEntry("http", "[::]:" + port(any)))))
                .containsOnlyKeys("http");
        assertThat(SocketActivation.match(List.of(any), List.of(v4))).containsOnlyKeys("http");
        ServerChannel adopted = ListenerAdopter.adopt(any.fd(), v4);
        assertThat(adopted.isOpen()).isTrue();
        // A wildcard never matches a specific address.
        assertThatThrownBy(() -> SocketActivation.match(List.of(any), List.of(new ListenerEntry("http", "127.0.0.1:" + port(any)))))
                .isInstanceOf(HandoffException.class).hasMessageContaining("matches no configured listener");
    }

    @Test
    void aSocketMatchingNoListenerNamesItsFdAndAddress() throws Exception {
        ActivatedSocket stray = listening("unknown", "127.0.0.1", false);
        assertThatThrownBy(() -> SocketActivation.match(List.of(stray), List.of(new ListenerEntry("http", "127.0.0.1:1"))))
                .isInstanceOf(HandoffException.class)
                .hasMessageContaining("fd " + stray.fdNumber())
                .hasMessageContaining("127.0.0.1:" + port(stray))
                .hasMessageContaining("http=127.0.0.1:1");
    }

    @Test
    void aNamedSocketOnAnotherAddressIsRefused() throws Exception {
        ActivatedSocket http = listening("http", "127.0.0.1", false);
        assertThatThrownBy(() -> SocketActivation.match(List.of(http), List.of(new ListenerEntry("http", "127.0.0.1:1"))))
                .isInstanceOf(HandoffException.class)
                .hasMessageContaining("fd " + http.fdNumber())
                .hasMessageContaining("bound to 127.0.0.1:" + port(http))
                .hasMessageContaining("configured for 127.0.0.1:1");
    }

    @Test
    void twoSocketsForOneListenerAreRefused() throws Exception {
        ActivatedSocket first = listening("http", "127.0.0.1", true);
        ActivatedSocket second = listeningOn("unknown", new InetSocketAddress("127.0.0.1", port(first)), true);
        assertThatThrownBy(() -> SocketActivation.match(List.of(first, second),
                List.of(new ListenerEntry("http", "127.0.0.1:" + port(first)))))
                .isInstanceOf(HandoffException.class)
                .hasMessageContaining("fd " + first.fdNumber())
                .hasMessageContaining("fd " + second.fdNumber())
                .hasMessageContaining("'http'");
    }

    @Test
    void onlyListeningTcpSocketsAreAdopted() throws Exception {
        Socket bound = Socket.newSocketStream();
        opened.add(bound);
        bound.bind(new InetSocketAddress("127.0.0.1", 0));
        ActivatedSocket notListening = new ActivatedSocket(bound.intValue(), "http", bound);
        assertThatThrownBy(() -> SocketActivation.match(List.of(notListening),
                List.of(new ListenerEntry("http", "127.0.0.1:" + bound.localAddress().getPort()))))
                .isInstanceOf(HandoffException.class).hasMessageContaining("non-listening TCP socket");

        Socket udp = Socket.newSocketDgram();
        opened.add(udp);
        udp.bind(new InetSocketAddress("127.0.0.1", 0));
        ActivatedSocket datagram = new ActivatedSocket(udp.intValue(), "dns", udp);
        assertThatThrownBy(() -> SocketActivation.match(List.of(datagram), List.of()))
                .isInstanceOf(HandoffException.class).hasMessageContaining("fd " + udp.intValue())
                .hasMessageContaining("ListenStream=");
    }

    @Test
    void aClosedFdIsAClearError() throws Exception {
        Socket socket = Socket.newSocketStream();
        int number = socket.intValue();
        socket.close();
        ActivatedSocket gone = new ActivatedSocket(number, "http", new FileDescriptor(number));
        // The number may have been reused by the JVM meanwhile; either way it is no listening socket.
        assertThatThrownBy(() -> SocketActivation.match(List.of(gone), List.of(new ListenerEntry("http", "127.0.0.1:80"))))
                .isInstanceOf(HandoffException.class).hasMessageContaining("fd " + number);
    }

    @Test
    void unresolvableListenerAddressesAreClearErrors() throws Exception {
        ActivatedSocket http = listening("http", "127.0.0.1", false);
        assertThatThrownBy(() -> SocketActivation.match(List.of(http), List.of(new ListenerEntry("http", "no-port"))))
                .isInstanceOf(HandoffException.class).hasMessageContaining("'http'").hasMessageContaining("no-port");
    }

    @Test
    void noSocketsNoMatches() throws Exception {
        assertThat(SocketActivation.match(List.of(), List.of(new ListenerEntry("http", "127.0.0.1:8080")))).isEmpty();
    }

    private ActivatedSocket listening(String name, String host, boolean reusePort) throws IOException {
        return listeningOn(name, new InetSocketAddress(host, 0), reusePort);
    }

    private ActivatedSocket listeningOn(String name, InetSocketAddress address, boolean reusePort) throws IOException {
        Socket socket = Socket.newSocketStream();
        opened.add(socket);
        socket.setReusePort(reusePort);
        socket.bind(address);
        socket.listen(16);
        return new ActivatedSocket(socket.intValue(), name, socket);
    }

    private static int port(ActivatedSocket socket) throws IOException {
        return new Socket(socket.fdNumber()).localAddress().getPort();
    }
}
