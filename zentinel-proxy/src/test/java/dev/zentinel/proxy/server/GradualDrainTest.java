package dev.zentinel.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A drain with a spread tells the open connections one after another: the first closes while a
 * later one is still served as usual, every one closes in the end, none is cut under a request.
 */
class GradualDrainTest {

    private static final Duration LONG = Duration.ofSeconds(60);
    private static final Duration QUIET = Duration.ofMillis(100);

    private TestOrigin origin;
    private ProxyFixture proxy;
    private int port;

    @BeforeEach
    void start() throws Exception {
        origin = new TestOrigin("a");
        proxy = ProxyFixture.start(TestConfigs.builder().listener("http").upstream("app", origin.port())
                .respondRoute("local", "/local", 200, "local\n").proxyRoute("app", "/", "app").build());
        port = proxy.port();
    }

    @AfterEach
    void stop() {
        proxy.close();
        origin.close();
    }

    @Test
    void laterConnectionsAreStillServedAsUsualWhileTheFirstOneCloses() throws Exception {
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                RawClient client = new RawClient(port);
                clients.add(client);
                assertThat(client.get("/local").status()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.server().activeConnections() == 2);

            // Two connections over 20 s: the second is told 10 s after the first.
            CompletableFuture<DrainResult> drained = proxy.server().drain(LONG, QUIET, Duration.ofSeconds(20));
            await().atMost(Duration.ofSeconds(30)).until(() -> proxy.server().activeConnections() == 1);

            int servedAsUsual = 0;
            for (RawClient client : clients) {
                RawResponse r = answerOrNull(client);
                if (r != null) {
                    assertThat(r.status()).isEqualTo(200);
                    if (!r.closes()) {
                        servedAsUsual++;
                    }
                }
            }
            assertThat(servedAsUsual).as("connections not yet told to close").isEqualTo(1);

            DrainResult result = drained.get(60, TimeUnit.SECONDS);
            assertThat(result.closedGracefully()).isEqualTo(2);
            assertThat(result.forceClosed()).isZero();
            for (RawClient client : clients) {
                assertThat(client.closedByPeer()).isTrue();
            }
        } finally {
            for (RawClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void aConnectionWhoseTurnComesDuringARequestClosesOnlyAfterItsResponse() throws Exception {
        try (RawClient busy = new RawClient(port); RawClient idle = new RawClient(port)) {
            assertThat(idle.get("/local").status()).isEqualTo(200);
            busy.send("GET /slow?ms=5000 HTTP/1.1\r\nHost: t\r\n\r\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> origin.requests() == 1);

            CompletableFuture<DrainResult> drained = proxy.server().drain(LONG, QUIET, Duration.ofSeconds(1));

            RawResponse r = busy.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("slow 5000");
            assertThat(r.closes()).isTrue();
            assertThat(busy.closedByPeer()).isTrue();
            assertThat(idle.closedByPeer()).isTrue();
            DrainResult result = drained.get(30, TimeUnit.SECONDS);
            assertThat(result.closedGracefully()).isEqualTo(2);
            assertThat(result.forceClosed()).isZero();
        }
    }

    @Test
    void aSpreadLongerThanHalfTheTimeoutIsCutSoNobodyIsForceClosed() throws Exception {
        try (RawClient first = new RawClient(port); RawClient second = new RawClient(port)) {
            assertThat(first.get("/local").status()).isEqualTo(200);
            assertThat(second.get("/local").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.server().activeConnections() == 2);

            // Uncut, the second connection would only be told at the timeout and be force-closed.
            DrainResult result = proxy.server().drain(Duration.ofSeconds(8), QUIET, Duration.ofSeconds(16))
                    .get(30, TimeUnit.SECONDS);
            assertThat(result.closedGracefully()).isEqualTo(2);
            assertThat(result.forceClosed()).isZero();
        }
    }

    /** The response to a request on {@code client}, or null when the proxy has closed it already. */
    private static RawResponse answerOrNull(RawClient client) {
        try {
            return client.get("/local");
        } catch (IOException closed) {
            return null;
        }
    }
}
