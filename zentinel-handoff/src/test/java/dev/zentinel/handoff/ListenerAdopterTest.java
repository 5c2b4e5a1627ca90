package dev.zentinel.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import io.netty.channel.ServerChannel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Adoption checks run on real descriptors: listening TCP, connected TCP, Unix sockets, pipes. */
class ListenerAdopterTest extends HandoffTestSupport {

    @Test
    void adoptsAListeningSocketWhoseAddressMatches() throws Exception {
        // A bare listening socket owned by no channel, as a supervisor or systemd would pass it.
        Socket bare = Socket.newSocketStream();
        bare.bind(new InetSocketAddress("127.0.0.1", 0));
        bare.listen(16);
        int port = bare.localAddress().getPort();
        ServerChannel adopted = ListenerAdopter.adopt(bare, new ListenerEntry("main", "localhost:" + port));
        assertThat(adopted.isRegistered()).isFalse();
        assertThat(((InetSocketAddress) adopted.localAddress()).getPort()).isEqualTo(port);
        Channel registered = TcpListeners.register(group, adopted, "adopted");
        assertThat(TcpListeners.greetingAt(port)).isEqualTo("adopted");
        registered.close().sync();
        assertThat(((UnixChannel) registered).fd().isOpen()).isFalse();
    }

    @Test
    void wildcardAddressesMatchAsConfigured() throws Exception {
        for (String host : new String[] {"0.0.0.0", "::"}) {
            Socket bare = Socket.newSocketStream();
            ServerChannel adopted = null;
            try {
                bare.bind(new InetSocketAddress(host, 0));
                bare.listen(16);
                int port = bare.localAddress().getPort();
                String address = host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
                adopted = ListenerAdopter.adopt(bare, new ListenerEntry("any", address));
                assertThat(((InetSocketAddress) adopted.localAddress()).getPort()).isEqualTo(port);
            } finally {
                // Once adopted, the channel owns the descriptor: close exactly one of them.
                if (adopted != null) {
                    adopted.unsafe().closeForcibly();
                } else {
                    bare.close();
                }
            }
        }
    }

    @Test
    void rejectsAWrongPortOrHostAndLeavesTheDescriptorOpen() throws Exception {
        Channel listener = oldTcpListener();
        int port = TcpListeners.port(listener);
        FileDescriptor fd = ((UnixChannel) listener).fd();
        assertThatThrownBy(() -> ListenerAdopter.adopt(fd, new ListenerEntry("main", "127.0.0.1:" + (port == 65535 ? 1 : port + 1))))
                .isInstanceOf(HandoffException.class).hasMessageContaining("listener 'main'").hasMessageContaining("expected port");
        assertThatThrownBy(() -> ListenerAdopter.adopt(fd, new ListenerEntry("main", "127.0.0.2:" + port)))
                .isInstanceOf(HandoffException.class).hasMessageContaining("is bound to 127.0.0.1:" + port);
        assertThatThrownBy(() -> ListenerAdopter.adopt(fd, new ListenerEntry("main", "no-port")))
                .isInstanceOf(HandoffException.class).hasMessageContaining("host:port");
        assertThat(fd.isOpen()).isTrue();
        assertThat(TcpListeners.greetingAt(port)).isEqualTo("old");
    }

    @Test
    void rejectsAConnectedSocket() throws Exception {
        Channel listener = oldTcpListener();
        Socket client = Socket.newSocketStream();
        try {
            client.connect(new InetSocketAddress("127.0.0.1", TcpListeners.port(listener)));
            assertThatThrownBy(() -> ListenerAdopter.adopt(client, new ListenerEntry("main", "127.0.0.1:1")))
                    .isInstanceOf(HandoffException.class).hasMessageContaining("not listening");
        } finally {
            client.close();
        }
    }

    @Test
    void rejectsAUnixSocketAndAPipe() throws Exception {
        Socket unix = Socket.newSocketDomain();
        FileDescriptor[] pipe = FileDescriptor.pipe();
        try {
            assertThatThrownBy(() -> ListenerAdopter.adopt(unix, new ListenerEntry("main", "127.0.0.1:1")))
                    .isInstanceOf(HandoffException.class).hasMessageContaining("is not a TCP socket");
            assertThatThrownBy(() -> ListenerAdopter.adopt(pipe[0], new ListenerEntry("main", "127.0.0.1:1")))
                    .isInstanceOf(HandoffException.class).hasMessageContaining("is not a socket");
            assertThat(ListenerAdopter.describe(unix)).startsWith("unix stream socket");
            assertThat(ListenerAdopter.describe(pipe[0])).contains("not a socket");
        } finally {
            unix.close();
            pipe[0].close();
            pipe[1].close();
        }
    }

    @Test
    void rejectsAClosedDescriptor() throws Exception {
        FileDescriptor[] pipe = FileDescriptor.pipe();
        pipe[0].close();
        pipe[1].close();
        assertThatThrownBy(() -> ListenerAdopter.adopt(pipe[0], new ListenerEntry("main", "127.0.0.1:1")))
                .isInstanceOf(HandoffException.class).hasMessageContaining("is not open");
        assertThat(ListenerAdopter.describe(pipe[0])).startsWith("closed descriptor");
        assertThat(ListenerAdopter.describe(null)).isEqualTo("no descriptor");
    }

    @Test
    void describesAListeningSocket() throws Exception {
        Channel listener = oldTcpListener();
        assertThat(ListenerAdopter.describe(((UnixChannel) listener).fd()))
                .isEqualTo("tcp 127.0.0.1:" + TcpListeners.port(listener) + " listening");
    }
}
