package dev.zentinel.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zentinel.proxy.accesslog.AccessLog;
import dev.zentinel.proxy.config.AccessLogConfig;
import dev.zentinel.proxy.metrics.ProxyMetrics;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RespondRouteTest {

    private ProxyServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void servesRespondRouteOnBoundListener() throws Exception {
        var config = TestConfigs.builder().listener("http").respondRoute("hello", "/", 200, "hello\n").build();
        server = new ProxyServer(config, new ProxyMetrics(), AccessLog.create(new AccessLogConfig(false, "-", 16)), Transport.detect(), 1);
        server.start(ListenerOpener.binding()).get(10, TimeUnit.SECONDS);
        assertThat(server.state()).isEqualTo(ServerState.SERVING);
        int port = ((InetSocketAddress) server.listeners().get("http").localAddress()).getPort();

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello\n");
    }
}
