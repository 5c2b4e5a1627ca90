package dev.zentinel.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drain semantics: in-flight work finishes, idle connections go, nobody gets an error. */
class DrainTest {

    private static final Duration LONG = Duration.ofSeconds(60);

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
    void inFlightRequestCompletesWithConnectionClose() throws Exception {
        try (RawClient client = new RawClient(port)) {
            client.send("GET /slow?ms=1000 HTTP/1.1\r\nHost: t\r\n\r\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> origin.requests() == 1);

            CompletableFuture<DrainResult> drained = proxy.server().drain(LONG);
            assertThat(proxy.server().state()).isEqualTo(ServerState.DRAINING);
            assertThat(proxy.server().listeners()).isEmpty();

            RawResponse r = client.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("slow 1000");
            assertThat(r.closes()).isTrue();
            assertThat(client.closedByPeer()).isTrue();

            DrainResult result = drained.get(10, TimeUnit.SECONDS);
            assertThat(result.closedGracefully()).isEqualTo(1);
            assertThat(result.forceClosed()).isZero();
        }
    }

    @Test
    void pipelinedRequestsAlreadyReadAreAnsweredAndOnlyTheLastCloses() throws Exception {
        try (RawClient client = new RawClient(port)) {
            client.send("GET /slow?ms=800 HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /local HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /id HTTP/1.1\r\nHost: t\r\n\r\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> origin.requests() == 1);
            CompletableFuture<DrainResult> drained = proxy.server().drain(LONG);
            RawResponse first = client.read();
            RawResponse second = client.read();
            RawResponse third = client.read();
            assertThat(first.text()).isEqualTo("slow 800");
            assertThat(second.text()).isEqualTo("local\n");
            assertThat(third.text()).startsWith("a conn=");
            assertThat(first.closes()).isFalse();
            assertThat(second.closes()).isFalse();
            assertThat(third.closes()).isTrue();
            assertThat(client.closedByPeer()).isTrue();
            assertThat(drained.get(10, TimeUnit.SECONDS).forceClosed()).isZero();
        }
    }

    @Test
    void stopsAcceptingNewConnections() throws Exception {
        proxy.server().drain(LONG).get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void idleConnectionIsClosedAfterTheQuietPeriod() throws Exception {
        try (RawClient client = new RawClient(port)) {
            assertThat(client.get("/local").status()).isEqualTo(200);
            CompletableFuture<DrainResult> drained = proxy.server().drain(LONG, Duration.ofMillis(200));
            assertThat(client.closedByPeer()).isTrue();
            DrainResult result = drained.get(10, TimeUnit.SECONDS);
            assertThat(result.closedGracefully()).isEqualTo(1);
            assertThat(result.forceClosed()).isZero();
        }
    }

    @Test
    void requestArrivingBeforeTheQuietPeriodEndsIsServedWithConnectionClose() throws Exception {
        try (RawClient client = new RawClient(port)) {
            assertThat(client.get("/local").status()).isEqualTo(200);
            CompletableFuture<DrainResult> drained = proxy.server().drain(LONG, Duration.ofSeconds(30));
            RawResponse r = client.get("/id");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.closes()).isTrue();
            assertThat(client.closedByPeer()).isTrue();
            assertThat(drained.get(10, TimeUnit.SECONDS).closedGracefully()).isEqualTo(1);
        }
    }

    @Test
    void partlyReceivedRequestIsNotCutOff() throws Exception {
        try (RawClient client = new RawClient(port)) {
            assertThat(client.get("/local").status()).isEqualTo(200);
            client.send("GET /local HTTP/1.1\r\nHo");
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.server().activeConnections() == 1);
            CompletableFuture<DrainResult> drained = proxy.server().drain(LONG, Duration.ofMillis(100));
            // Well past the quiet period the connection is still open...
            client.socket().setSoTimeout(1000);
            assertThatThrownBy(() -> client.input().read()).isInstanceOf(SocketTimeoutException.class);
            client.socket().setSoTimeout(RawClient.READ_TIMEOUT_MILLIS);
            // ...and the rest of the request is answered.
            client.send("st: t\r\n\r\n");
            RawResponse r = client.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.closes()).isTrue();
            assertThat(drained.get(10, TimeUnit.SECONDS).forceClosed()).isZero();
        }
    }

    @Test
    void busyKeepAliveClientsSeeNoErrors() throws Exception {
        int clients = 8;
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger endedByConnectionClose = new AtomicInteger();
        AtomicInteger responses = new AtomicInteger();
        CountDownLatch allBusy = new CountDownLatch(clients);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            String path = i % 2 == 0 ? "/local" : "/id";
            Thread t = new Thread(() -> {
                try (RawClient client = new RawClient(port)) {
                    boolean counted = false;
                    while (true) {
                        RawResponse r = client.get(path);
                        if (r.status() != 200) {
                            errors.incrementAndGet();
                        }
                        responses.incrementAndGet();
                        if (!counted) {
                            counted = true;
                            allBusy.countDown();
                        }
                        if (r.closes()) {
                            endedByConnectionClose.incrementAndGet();
                            if (!client.closedByPeer()) {
                                errors.incrementAndGet();
                            }
                            return;
                        }
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                }
            }, "keep-alive-client-" + i);
            t.start();
            threads.add(t);
        }
        assertThat(allBusy.await(30, TimeUnit.SECONDS)).isTrue();
        DrainResult result = proxy.server().drain(LONG, Duration.ofMillis(500)).get(30, TimeUnit.SECONDS);
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertThat(errors.get()).isZero();
        assertThat(endedByConnectionClose.get()).isEqualTo(clients);
        assertThat(result.closedGracefully()).isEqualTo(clients);
        assertThat(result.forceClosed()).isZero();
        assertThat(responses.get()).isGreaterThan(clients);
    }

    @Test
    void longTransferIsForceClosedAtTheDrainTimeout() throws Exception {
        try (RawClient client = new RawClient(port)) {
            // A 1 GiB download the client does not read: it cannot finish before the timeout.
            client.send("GET /download?bytes=1073741824 HTTP/1.1\r\nHost: t\r\n\r\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> origin.requests() == 1);
            DrainResult result = proxy.server().drain(Duration.ofMillis(500)).get(30, TimeUnit.SECONDS);
            assertThat(result.forceClosed()).isEqualTo(1);
            assertThat(result.closedGracefully()).isZero();
            assertThat(proxy.server().activeConnections()).isZero();
        }
    }

    @Test
    void completesAsSoonAsNoConnectionIsLeft() throws Exception {
        CompletableFuture<DrainResult> drained = proxy.server().drain(LONG);
        await().atMost(Duration.ofSeconds(10)).until(drained::isDone);
        assertThat(drained.get().closedGracefully()).isZero();
        assertThat(drained.get().took()).isLessThan(LONG);
        // Draining twice is the same drain.
        assertThat(proxy.server().drain(LONG)).isSameAs(drained);
    }
}
