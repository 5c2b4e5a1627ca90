package dev.zentinel.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zentinel.proxy.accesslog.AccessLog;
import dev.zentinel.proxy.config.AccessLogConfig;
import dev.zentinel.proxy.config.ProxyConfig;
import dev.zentinel.proxy.metrics.ProxyMetrics;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProxyServerLifecycleTest {

    private ProxyServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private ProxyServer newServer(ProxyConfig config) {
        server = new ProxyServer(config, new ProxyMetrics(), AccessLog.create(new AccessLogConfig(false, "-", 16)), Transport.detect(), 1);
        return server;
    }

    @Test
    void usesTheGivenOpenerForEveryListener() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        ListenerOpener counting = (bootstrap, listener) -> {
            opened.incrementAndGet();
            return ListenerOpener.binding().open(bootstrap, listener);
        };
        newServer(TestConfigs.builder().listener("one").listener("two").respondRoute("r", "/", 200, "ok").build())
                .start(counting).get(10, TimeUnit.SECONDS);
        assertThat(opened.get()).isEqualTo(2);
        assertThat(server.listeners()).containsOnlyKeys("one", "two");
        assertThat(server.state()).isEqualTo(ServerState.SERVING);
        for (var channel : server.listeners().values()) {
            try (RawClient client = new RawClient(((InetSocketAddress) channel.localAddress()).getPort())) {
                assertThat(client.get("/").text()).isEqualTo("ok");
            }
        }
    }

    @Test
    void failingListenerFailsStartAndClosesTheOthers() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            ProxyConfig config = TestConfigs.builder().listener("free").listener("taken", taken.getLocalPort(), 10)
                    .respondRoute("r", "/", 200, "ok").build();
            AtomicInteger freePort = new AtomicInteger();
            ListenerOpener recording = (bootstrap, listener) -> {
                var f = ListenerOpener.binding().open(bootstrap, listener);
                if (listener.name().equals("free")) {
                    f.addListener(x -> freePort.set(((InetSocketAddress) f.channel().localAddress()).getPort()));
                }
                return f;
            };
            var started = newServer(config).start(recording);
            assertThatThrownBy(() -> started.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(ListenerOpenException.class)
                    .hasMessageContaining("listener taken (127.0.0.1:" + taken.getLocalPort() + ")");
            assertThat(server.listeners()).isEmpty();
            org.awaitility.Awaitility.await().until(() -> freePort.get() != 0);
            assertThatThrownBy(() -> new Socket("127.0.0.1", freePort.get()).close()).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void stopAcceptingKeepsExistingConnectionsServing() throws Exception {
        newServer(TestConfigs.builder().listener("http").respondRoute("r", "/", 200, "ok").build())
                .start(ListenerOpener.binding()).get(10, TimeUnit.SECONDS);
        int port = ((InetSocketAddress) server.listeners().get("http").localAddress()).getPort();
        try (RawClient client = new RawClient(port)) {
            assertThat(client.get("/").text()).isEqualTo("ok");
            server.stopAccepting();
            assertThat(server.listeners()).isEmpty();
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
            assertThat(client.get("/").text()).isEqualTo("ok");
        }
    }

    @Test
    void closeStopsEverything() throws Exception {
        newServer(TestConfigs.builder().listener("http").respondRoute("r", "/", 200, "ok").build())
                .start(ListenerOpener.binding()).get(10, TimeUnit.SECONDS);
        int port = ((InetSocketAddress) server.listeners().get("http").localAddress()).getPort();
        RawClient client = new RawClient(port);
        assertThat(client.get("/").status()).isEqualTo(200);
        server.close();
        assertThat(server.state()).isEqualTo(ServerState.STOPPED);
        assertThat(server.eventLoopGroup().isTerminated()).isTrue();
        assertThat(client.closedByPeer()).isTrue();
        client.close();
    }

    @Test
    void acceptedConnectionsHaveNoDelayAndKeepAliveOn() throws Exception {
        newServer(TestConfigs.builder().listener("http").respondRoute("r", "/", 200, "ok").build())
                .start(ListenerOpener.binding()).get(10, TimeUnit.SECONDS);
        int port = ((InetSocketAddress) server.listeners().get("http").localAddress()).getPort();
        try (RawClient client = new RawClient(port)) {
            assertThat(client.get("/").text()).isEqualTo("ok");
            var connections = server.clientConnections();
            assertThat(connections).hasSize(1);
            var config = connections.get(0).channel().config();
            assertThat(config.getOption(io.netty.channel.ChannelOption.TCP_NODELAY)).isTrue();
            assertThat(config.getOption(io.netty.channel.ChannelOption.SO_KEEPALIVE)).isTrue();
        }
    }
}
