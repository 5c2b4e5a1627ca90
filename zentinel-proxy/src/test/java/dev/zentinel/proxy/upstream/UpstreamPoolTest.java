package dev.zentinel.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.zentinel.proxy.config.HostPort;
import dev.zentinel.proxy.config.LoadBalancing;
import dev.zentinel.proxy.config.UpstreamConfig;
import dev.zentinel.proxy.server.ProxyFixture;
import dev.zentinel.proxy.server.RawClient;
import dev.zentinel.proxy.server.TestConfigs;
import dev.zentinel.proxy.server.TestOrigin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Load balancing across targets and the per-event-loop keep-alive pools. */
class UpstreamPoolTest {

    private TestOrigin a;
    private TestOrigin b;
    private ProxyFixture proxy;

    @BeforeEach
    void startOrigins() throws Exception {
        a = new TestOrigin("a");
        b = new TestOrigin("b");
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        a.close();
        b.close();
    }

    private void startProxy(UpstreamConfig upstream) throws Exception {
        proxy = ProxyFixture.start(TestConfigs.builder().listener("http").upstream(upstream).proxyRoute("r", "/", upstream.name()).build(), 1);
    }

    private UpstreamConfig upstream(LoadBalancing lb, int maxIdle, Duration idleTimeout, TestOrigin... origins) {
        List<HostPort> targets = new ArrayList<>();
        for (TestOrigin o : origins) {
            targets.add(new HostPort("127.0.0.1", o.port()));
        }
        return new UpstreamConfig("app", targets, lb, Duration.ofSeconds(2), Duration.ofSeconds(10), maxIdle, idleTimeout);
    }

    @Test
    void roundRobinAlternatesAndReusesOneConnectionPerTarget() throws Exception {
        startProxy(upstream(LoadBalancing.ROUND_ROBIN, 8, Duration.ofSeconds(30), a, b));
        Map<String, Integer> seen = new HashMap<>();
        try (RawClient client = proxy.client()) {
            for (int i = 0; i < 20; i++) {
                String id = client.get("/id").text();
                seen.merge(id, 1, Integer::sum);
            }
        }
        assertThat(seen).containsOnly(Map.entry("a conn=1", 10), Map.entry("b conn=1", 10));
        assertThat(a.connections()).isEqualTo(1);
        assertThat(b.connections()).isEqualTo(1);
    }

    @Test
    void otherStrategiesSpreadOverAllTargets() throws Exception {
        for (LoadBalancing lb : List.of(LoadBalancing.LEAST_CONNECTIONS, LoadBalancing.RANDOM_TWO_CHOICES)) {
            startProxy(upstream(lb, 8, Duration.ofSeconds(30), a, b));
            int before = a.requests() + b.requests();
            List<CompletableFuture<Void>> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                clients.add(CompletableFuture.runAsync(() -> {
                    try (RawClient client = proxy.client()) {
                        for (int i = 0; i < 25; i++) {
                            assertThat(client.get("/slow?ms=5").status()).isEqualTo(200);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
            }
            CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertThat(a.requests() + b.requests() - before).isEqualTo(100);
            assertThat(a.requests()).as(lb + " uses a").isPositive();
            assertThat(b.requests()).as(lb + " uses b").isPositive();
            proxy.close();
            proxy = null;
        }
    }

    @Test
    void originClosingAnIdlePooledConnectionIsNoticed() throws Exception {
        startProxy(upstream(LoadBalancing.ROUND_ROBIN, 8, Duration.ofSeconds(30), a));
        try (RawClient client = proxy.client()) {
            assertThat(client.get("/id").text()).isEqualTo("a conn=1");
            a.closeConnections();
            await().atMost(Duration.ofSeconds(10)).until(() -> a.openConnections() == 0);
            assertThat(client.get("/id").text()).isEqualTo("a conn=2");
        }
        assertThat(proxy.metrics().scrape()).doesNotContain("kind=\"reset\"");
    }

    @Test
    void connectionDyingRightAfterItsResponseNeverFailsAnIdempotentRequest() throws Exception {
        startProxy(upstream(LoadBalancing.ROUND_ROBIN, 8, Duration.ofSeconds(30), a));
        try (RawClient client = proxy.client()) {
            for (int i = 0; i < 50; i++) {
                assertThat(client.get("/close-after").status()).as("request " + i).isEqualTo(200);
            }
        }
    }

    @Test
    void idlePooledConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
        startProxy(upstream(LoadBalancing.ROUND_ROBIN, 8, Duration.ofMillis(300), a));
        try (RawClient client = proxy.client()) {
            assertThat(client.get("/id").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> a.openConnections() == 0);
            assertThat(client.get("/id").text()).isEqualTo("a conn=2");
        }
    }

    @Test
    void idleConnectionsBeyondMaxIdlePerTargetAreClosed() throws Exception {
        startProxy(upstream(LoadBalancing.ROUND_ROBIN, 1, Duration.ofSeconds(30), a));
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                RawClient c = proxy.client();
                clients.add(c);
                c.send("GET /slow?ms=500 HTTP/1.1\r\nHost: t\r\n\r\n");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> a.connections() == 3);
            for (RawClient c : clients) {
                assertThat(c.read().status()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> a.openConnections() == 1);
        } finally {
            for (RawClient c : clients) {
                c.close();
            }
        }
    }

    @Test
    void aRefusingTargetIsSkippedWhenAnotherOneWorks() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        for (LoadBalancing lb : LoadBalancing.values()) {
            startProxy(new UpstreamConfig("app", List.of(new HostPort("127.0.0.1", closedPort), new HostPort("127.0.0.1", a.port())),
                    lb, Duration.ofSeconds(2), Duration.ofSeconds(10), 8, Duration.ofSeconds(30)));
            try (RawClient client = proxy.client()) {
                for (int i = 0; i < 10; i++) {
                    assertThat(client.get("/id").status()).as(lb + " request " + i).isEqualTo(200);
                }
            }
            assertThat(proxy.metrics().scrape()).contains("connect_refused");
            proxy.close();
            proxy = null;
        }
    }
}
