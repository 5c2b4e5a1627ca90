package dev.zentinel.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.zentinel.proxy.config.LimitsConfig;
import dev.zentinel.proxy.config.LoadBalancing;
import dev.zentinel.proxy.server.ProxyFixture;
import dev.zentinel.proxy.server.RawClient;
import dev.zentinel.proxy.server.RawResponse;
import dev.zentinel.proxy.server.TestConfigs;
import dev.zentinel.proxy.server.TestOrigin;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Error statuses at the limits and for upstream failures. */
class LimitsAndErrorsTest {

    private static final LimitsConfig TIGHT = new LimitsConfig(1024, 256, 1000,
            Duration.ofMillis(500), Duration.ofMillis(800), 4);

    private TestOrigin origin;
    private ProxyFixture proxy;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeEach
    void startOrigin() throws Exception {
        origin = new TestOrigin("a");
    }

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        origin.close();
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    private void startProxy(TestConfigs config) throws Exception {
        proxy = ProxyFixture.start(config.build());
    }

    private TestConfigs tight() {
        return TestConfigs.builder().listener("http").limits(TIGHT).upstream("app", origin.port()).proxyRoute("app", "/", "app");
    }

    @Test
    void noMatchingRouteIs404AndKeepsTheConnection() throws Exception {
        startProxy(TestConfigs.builder().listener("http").upstream("app", origin.port()).proxyRoute("app", "/api", "app"));
        try (RawClient client = proxy.client()) {
            RawResponse r = client.get("/other");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.closes()).isFalse();
            assertThat(client.get("/api/id").status()).isEqualTo(200);
        }
        assertThat(proxy.metrics().scrape()).contains("zentinel_requests_total{route=\"_none\",status=\"404\"} 1.0");
    }

    @Test
    void aRouteNamedNoneIsCountedApartFromUnmatchedRequests() throws Exception {
        startProxy(TestConfigs.builder().listener("http").upstream("app", origin.port()).proxyRoute("none", "/api", "app"));
        try (RawClient client = proxy.client()) {
            assertThat(client.get("/other").status()).isEqualTo(404);
            assertThat(client.get("/api/id").status()).isEqualTo(200);
        }
        assertThat(proxy.metrics().scrape())
                .contains("zentinel_requests_total{route=\"_none\",status=\"404\"} 1.0")
                .contains("zentinel_requests_total{route=\"none\",status=\"200\"} 1.0")
                .doesNotContain("zentinel_requests_total{route=\"none\",status=\"404\"}");
    }

    @Test
    void refusedUpstreamIs502() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        startProxy(TestConfigs.builder().listener("http").upstream("gone", closedPort).proxyRoute("r", "/", "gone"));
        try (RawClient client = proxy.client()) {
            RawResponse r = client.get("/x");
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.closes()).isFalse();
            assertThat(client.get("/y").status()).isEqualTo(502);
        }
        assertThat(proxy.metrics().scrape()).contains("upstream=\"gone\"").contains("connect_refused");
    }

    @Test
    void connectTimeoutIs504() throws Exception {
        InetSocketAddress blackhole = fullBacklogServer();
        startProxy(TestConfigs.builder().listener("http")
                .upstream("slow", LoadBalancing.ROUND_ROBIN, Duration.ofMillis(300), Duration.ofSeconds(5), blackhole.getPort())
                .proxyRoute("r", "/", "slow"));
        try (RawClient client = proxy.client()) {
            RawResponse r = client.get("/x");
            assertThat(r.status()).isEqualTo(504);
        }
        assertThat(proxy.metrics().scrape()).contains("connect_timeout");
    }

    @Test
    void readTimeoutIs504() throws Exception {
        startProxy(TestConfigs.builder().listener("http")
                .upstream("app", LoadBalancing.ROUND_ROBIN, Duration.ofSeconds(2), Duration.ofMillis(300), origin.port())
                .proxyRoute("r", "/", "app"));
        try (RawClient client = proxy.client()) {
            RawResponse r = client.get("/slow?ms=5000");
            assertThat(r.status()).isEqualTo(504);
            // The connection survives a timed-out upstream.
            assertThat(client.get("/id").status()).isEqualTo(200);
        }
        assertThat(proxy.metrics().scrape()).contains("read_timeout");
    }

    @Test
    void originClosingWithoutResponseIs502() throws Exception {
        startProxy(tight());
        try (RawClient client = proxy.client()) {
            assertThat(client.get("/drop").status()).isEqualTo(502);
            assertThat(client.get("/id").status()).isEqualTo(200);
        }
        assertThat(proxy.metrics().scrape()).contains("kind=\"reset\"");
    }

    @Test
    void responseCutMidBodyClosesTheClientConnection() throws Exception {
        startProxy(TestConfigs.builder().listener("http")
                .upstream("app", LoadBalancing.ROUND_ROBIN, Duration.ofSeconds(2), Duration.ofMillis(300), origin.port())
                .proxyRoute("r", "/", "app"));
        try (RawClient client = proxy.client()) {
            client.send("GET /stall HTTP/1.1\r\nHost: t\r\n\r\n");
            byte[] all = client.readToEnd();
            String text = new String(all, java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(text).startsWith("HTTP/1.1 200").contains("content-length: 1048576").endsWith("\r\n\r\nx");
        }
    }

    @Test
    void readTimeoutDoesNotCountTimeSpentWaitingForASlowClient() throws Exception {
        startProxy(TestConfigs.builder().listener("http")
                .upstream("app", LoadBalancing.ROUND_ROBIN, Duration.ofSeconds(2), Duration.ofMillis(300), origin.port())
                .proxyRoute("r", "/", "app"));
        int size = 16 << 20;
        try (RawClient client = proxy.client()) {
            client.send("GET /download?bytes=" + size + " HTTP/1.1\r\nHost: t\r\n\r\n");
            // Simulates a client that does not read for a while (not a synchronisation): the
            // proxy stops reading the origin, and that pause is not an origin read timeout.
            Thread.sleep(1500);
            RawResponse r = client.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).hasSize(size);
        }
        assertThat(proxy.metrics().scrape()).doesNotContain("read_timeout");
    }

    @Test
    void clientThatStopsReadingIsDisconnectedAfterTheIdleTimeout() throws Exception {
        startProxy(tight().limits(new LimitsConfig(1024, 256, 1000, Duration.ofMillis(500), Duration.ofMillis(500), 4)));
        // The client's receive buffer stays at the kernel's default: a tiny one (set after connect)
        // cannot announce a window of one segment, so the end of the stream would then crawl in on
        // the sender's zero-window probes (exponential back-off: minutes).
        try (RawClient client = proxy.client()) {
            client.send("GET /download?bytes=" + (64 << 20) + " HTTP/1.1\r\nHost: t\r\n\r\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> origin.requests() == 1);
            // The proxy gives up on the stalled client: reading now ends long before 64 MiB.
            await().atMost(Duration.ofSeconds(20)).until(() -> proxy.server().activeConnections() == 0);
            assertThat(client.readToEnd().length).isLessThan(64 << 20);
        }
    }

    @Test
    void oversizedHeadersAre431() throws Exception {
        startProxy(tight());
        try (RawClient client = proxy.client()) {
            RawResponse r = client.get("/id", "X-Big: " + "a".repeat(2000));
            assertThat(r.status()).isEqualTo(431);
            assertThat(r.closes()).isTrue();
            assertThat(client.closedByPeer()).isTrue();
        }
        assertThat(origin.requests()).isZero();
    }

    @Test
    void overlongRequestLineIs414() throws Exception {
        startProxy(tight());
        try (RawClient client = proxy.client()) {
            RawResponse r = client.get("/" + "a".repeat(400));
            assertThat(r.status()).isEqualTo(414);
            assertThat(client.closedByPeer()).isTrue();
        }
        assertThat(origin.requests()).isZero();
    }

    @Test
    void declaredBodyOverTheLimitIs413BeforeContactingTheOrigin() throws Exception {
        startProxy(tight());
        try (RawClient client = proxy.client()) {
            client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n");
            RawResponse r = client.read();
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.closes()).isTrue();
            assertThat(client.closedByPeer()).isTrue();
        }
        assertThat(origin.connections()).isZero();
    }

    @Test
    void chunkedBodyOverTheLimitIs413AsSoonAsExceeded() throws Exception {
        startProxy(tight());
        try (RawClient client = proxy.client()) {
            client.send("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
            String chunk = "1f4\r\n" + "x".repeat(500) + "\r\n";
            client.send(chunk);
            client.send(chunk);
            client.send(chunk); // 1500 > 1000; the terminating chunk never comes
            RawResponse r = client.read();
            assertThat(r.status()).isEqualTo(413);
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void bodyExactlyAtTheLimitPasses() throws Exception {
        startProxy(tight());
        try (RawClient client = proxy.client()) {
            client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n" + "y".repeat(1000));
            RawResponse r = client.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).startsWith("bytes=1000 ");
        }
    }

    @Test
    void incompleteHeadersGet408AfterTheHeaderTimeout() throws Exception {
        startProxy(tight());
        try (RawClient client = proxy.client()) {
            client.send("GET /id HTTP/1.1\r\nHost: t\r\nX-Partial: ");
            RawResponse r = client.read();
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.closes()).isTrue();
            assertThat(client.closedByPeer()).isTrue();
        }
        assertThat(origin.requests()).isZero();
    }

    @Test
    void stalledRequestBodyGets408AfterTheIdleTimeout() throws Exception {
        startProxy(tight());
        try (RawClient client = proxy.client()) {
            client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly-a-bit");
            RawResponse r = client.read();
            assertThat(r.status()).isEqualTo(408);
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void idleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        startProxy(tight());
        try (RawClient client = proxy.client()) {
            assertThat(client.get("/id").status()).isEqualTo(200);
            long start = System.nanoTime();
            assertThat(client.closedByPeer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(RawClient.READ_TIMEOUT_MILLIS));
        }
    }

    @Test
    void connectionsOverTheListenerLimitAreClosedAtOnce() throws Exception {
        startProxy(TestConfigs.builder().listener("http", 0, 2).respondRoute("r", "/", 200, "ok"));
        try (RawClient a = proxy.client(); RawClient b = proxy.client()) {
            assertThat(a.get("/").status()).isEqualTo(200);
            assertThat(b.get("/").status()).isEqualTo(200);
            try (RawClient c = proxy.client()) {
                assertThat(c.closedByPeer()).isTrue();
            }
            assertThat(proxy.metrics().scrape()).contains("zentinel_connections_rejected_total{listener=\"http\"} 1.0");
            assertThat(a.get("/").status()).isEqualTo(200);
        }
        // Slots are given back when connections close.
        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.server().activeConnections() == 0);
        try (RawClient d = proxy.client()) {
            assertThat(d.get("/").status()).isEqualTo(200);
        }
    }

    /**
     * A listening socket that never accepts, with its accept queue filled: the kernel drops
     * further SYNs, so connecting to it times out instead of being refused.
     */
    private InetSocketAddress fullBacklogServer() throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0), 1);
        cleanup.add(server);
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            cleanup.add(s);
            try {
                s.connect(server.getLocalSocketAddress(), 200);
            } catch (IOException timedOut) {
                break; // queue full
            }
        }
        return (InetSocketAddress) server.getLocalSocketAddress();
    }
}
