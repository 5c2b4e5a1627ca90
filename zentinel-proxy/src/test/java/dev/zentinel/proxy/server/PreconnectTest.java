package dev.zentinel.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.zentinel.proxy.upstream.Preconnected;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Pre-connected upstream connections are parked in the pools and used by the first requests. */
class PreconnectTest {

    private static final int THREADS = 2;

    private TestOrigin origin;
    private ProxyFixture proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    void opensTheConnectionsOnEveryEventLoopAndTheFirstRequestsReuseThem() throws Exception {
        origin = new TestOrigin("a");
        proxy = ProxyFixture.start(TestConfigs.builder().listener("http").upstream("app", origin.port())
                .proxyRoute("app", "/", "app").build(), THREADS);

        Preconnected result = proxy.server().preconnectUpstreams(3).get(30, TimeUnit.SECONDS);

        assertThat(result).isEqualTo(new Preconnected(3 * THREADS, 0));
        await().atMost(Duration.ofSeconds(10)).until(() -> origin.connections() == 3 * THREADS);
        for (int i = 0; i < 2 * THREADS; i++) {
            try (RawClient client = proxy.client()) {
                assertThat(client.get("/id").status()).isEqualTo(200);
            }
        }
        assertThat(origin.connections()).as("connections the origin accepted").isEqualTo(3 * THREADS);
    }

    @Test
    void anUnreachableTargetIsCountedAsFailedNotThrown() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        proxy = ProxyFixture.start(TestConfigs.builder().listener("http").upstream("gone", closedPort)
                .proxyRoute("gone", "/", "gone").build(), THREADS);

        Preconnected result = proxy.server().preconnectUpstreams(2).get(30, TimeUnit.SECONDS);

        assertThat(result).isEqualTo(new Preconnected(0, 2 * THREADS));
    }

    @Test
    void zeroOpensNothing() throws Exception {
        origin = new TestOrigin("a");
        proxy = ProxyFixture.start(TestConfigs.builder().listener("http").upstream("app", origin.port())
                .proxyRoute("app", "/", "app").build(), THREADS);

        assertThat(proxy.server().preconnectUpstreams(0).get(30, TimeUnit.SECONDS))
                .isEqualTo(new Preconnected(0, 0));
        assertThat(origin.connections()).isZero();
    }
}
