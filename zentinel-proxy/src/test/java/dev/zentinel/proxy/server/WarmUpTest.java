package dev.zentinel.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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

        proxy.server().warmUp(2000, Duration.ofSeconds(30)).get(40, TimeUnit.SECONDS);

        assertThat(proxy.server().listeners()).isEqualTo(listenersBefore);
        assertThat(proxy.metrics().scrape()).isEqualTo(metricsBefore);
        assertThat(proxy.server().activeConnections()).isZero();
        try (RawClient client = proxy.client()) {
            assertThat(client.get("/").text()).isEqualTo("ok");
        }
    }

    @Test
    void stopsAtTheBudget() throws Exception {
        // Far more requests than fit in the budget: it still completes, normally, shortly after it.
        proxy.server().warmUp(100_000_000, Duration.ofMillis(300)).get(30, TimeUnit.SECONDS);
        try (RawClient client = proxy.client()) {
            assertThat(client.get("/").text()).isEqualTo("ok");
        }
    }
}
