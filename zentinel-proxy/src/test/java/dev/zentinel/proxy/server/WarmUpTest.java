package dev.zentinel.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WarmUpTest {

    private ProxyFixture proxy;

    @BeforeEach
    void start() throws Exception {
        proxy = ProxyFixture.start(TestConfigs.builder().listener("http").respondRoute("r", "/", 200, "ok").build());
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    @Test
    void drivesRequestsWithoutTouchingListenersOrMetrics() throws Exception {
        String metricsBefore = proxy.metrics().scrape();
        var listenersBefore = proxy.server().listeners();

        WarmUpReport report = proxy.server().warmUp(2000, Duration.ofSeconds(60)).get(70, TimeUnit.SECONDS);

        assertThat(report.requests()).as("the requests asked for, plus those in flight on the other clients")
                .isBetween(2000, 2000 + WarmUp.CLIENT_CONNECTIONS - 1);
        assertThat(report.connections()).as("clients reconnect every %d requests", WarmUpRequests.PER_CONNECTION)
                .isGreaterThanOrEqualTo(report.requests() / WarmUpRequests.PER_CONNECTION);
        assertThat(report.endedBy()).as("a minute is ample for the compilers to go quiet").isEqualTo("JIT settled");
        assertThat(report.settleMillis()).isGreaterThanOrEqualTo(JitSettling.QUIET_SAMPLES * JitSettling.SAMPLE_MILLIS);

        assertThat(proxy.server().listeners()).isEqualTo(listenersBefore);
        assertThat(proxy.metrics().scrape()).isEqualTo(metricsBefore);
        assertThat(proxy.server().activeConnections()).isZero();
        try (RawClient client = proxy.client()) {
            assertThat(client.get("/").text()).isEqualTo("ok");
        }
    }

    @Test
    void zeroRequestsMeansNoWarmUp() throws Exception {
        assertThat(proxy.server().warmUp(0, Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS).requests()).isZero();
    }

    @Test
    void cancellingEndsItAndClosesWhatItOpened() throws Exception {
        WarmUp warmUp = newWarmUp();
        CompletableFuture<WarmUpReport> running = warmUp.run(100_000_000, Duration.ofMinutes(5));
        await().atMost(Duration.ofSeconds(30)).until(() -> warmUp.openChannels() > 2);

        running.cancel(false);

        await().atMost(Duration.ofSeconds(30)).until(() -> warmUp.openChannels() == 0);
        try (RawClient client = proxy.client()) {
            assertThat(client.get("/").text()).isEqualTo("ok");
        }
    }

    @Test
    void stopsAtTheBudget() throws Exception {
        // Far more requests than fit in the budget: it still completes, normally, shortly after it.
        WarmUpReport report = proxy.server().warmUp(100_000_000, Duration.ofMillis(300)).get(30, TimeUnit.SECONDS);
        assertThat(report.endedBy()).isEqualTo("time budget");
        try (RawClient client = proxy.client()) {
            assertThat(client.get("/").text()).isEqualTo("ok");
        }
    }

    @Test
    void goesThroughTheListenersInitializerWithItsOwnRegistry() throws Exception {
        WarmUp warmUp = newWarmUp();
        CompletableFuture<WarmUpReport> running = warmUp.run(100_000_000, Duration.ofMinutes(5));
        // Only ClientChannelInitializer puts proxy-side connections in a registry.
        await().atMost(Duration.ofSeconds(30)).until(() -> warmUp.proxiedConnections() > 0);
        assertThat(proxy.server().activeConnections()).as("the server's own registry stays untouched").isZero();
        running.cancel(false);
        await().atMost(Duration.ofSeconds(30)).until(() -> warmUp.openChannels() == 0);
        assertThat(warmUp.proxiedConnections()).isZero();
    }

    /** A warm-up of its own on the server's event loops, for tests that watch what it opens. */
    private WarmUp newWarmUp() {
        return new WarmUp(proxy.server().eventLoopGroup(), Transport.detect(),
                TestConfigs.builder().listener("http").build().limits());
    }

    @Test
    void noBudgetLeftIsReportedAsSuch() throws Exception {
        assertThat(proxy.server().warmUp(1000, Duration.ZERO).get(5, TimeUnit.SECONDS).endedBy())
                .isEqualTo("no time left");
        assertThat(proxy.server().warmUp(0, Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS).endedBy())
                .isEqualTo("disabled");
    }
}
