package dev.zentinel.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.zentinel.proxy.accesslog.AccessLog;
import dev.zentinel.proxy.config.AccessLogConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every request produces one metrics observation and one access log record. */
class ObservabilityTest {

    @TempDir
    Path dir;

    private TestOrigin origin;
    private ProxyFixture proxy;
    private AccessLog accessLog;
    private Path logFile;

    @BeforeEach
    void start() throws Exception {
        origin = new TestOrigin("a");
        logFile = dir.resolve("access.log");
        accessLog = AccessLog.create(new AccessLogConfig(true, logFile.toString(), 1024));
        proxy = ProxyFixture.start(TestConfigs.builder().listener("web").upstream("app", origin.port())
                .respondRoute("local", "/local", 200, "local\n").proxyRoute("api", "/api", "app").build(), 1, accessLog);
    }

    @AfterEach
    void stop() {
        proxy.close();
        accessLog.close();
        origin.close();
    }

    @Test
    void requestsAreCountedAndLogged() throws Exception {
        try (RawClient client = proxy.client()) {
            assertThat(client.get("/api/echo").status()).isEqualTo(200);
            assertThat(client.get("/local").status()).isEqualTo(200);
            assertThat(client.get("/nothing-here").status()).isEqualTo(404);
            client.send("POST /api/upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
            assertThat(client.read().status()).isEqualTo(200);
            assertThat(proxy.server().activeConnections()).isEqualTo(1);
            assertThat(proxy.server().activeConnectionsByListener()).containsEntry("web", 1);
            assertThat(proxy.metrics().scrape()).contains("zentinel_active_connections{listener=\"web\"} 1.0");
        }
        String scrape = proxy.metrics().scrape();
        assertThat(scrape)
                .contains("zentinel_requests_total{route=\"api\",status=\"200\"} 2.0")
                .contains("zentinel_requests_total{route=\"local\",status=\"200\"} 1.0")
                .contains("zentinel_requests_total{route=\"_none\",status=\"404\"} 1.0")
                .contains("zentinel_request_duration_seconds_count{route=\"api\"} 2");

        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(logFile) && Files.readAllLines(logFile).size() == 4);
        List<String> lines = Files.readAllLines(logFile);
        assertThat(lines.get(0)).contains("\"GET\"").contains("/api/echo").contains("200").contains("\"api\"")
                .contains("\"app\"").contains("\"web\"").contains("127.0.0.1");
        assertThat(lines.get(2)).contains("404").contains("\"route\":null");
        assertThat(lines.get(3)).contains("\"POST\"").contains(":5,");
        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.server().activeConnections() == 0);
    }
}
