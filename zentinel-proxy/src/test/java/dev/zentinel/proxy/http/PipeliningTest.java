package dev.zentinel.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zentinel.proxy.config.LimitsConfig;
import dev.zentinel.proxy.server.ProxyFixture;
import dev.zentinel.proxy.server.RawClient;
import dev.zentinel.proxy.server.RawResponse;
import dev.zentinel.proxy.server.TestConfigs;
import dev.zentinel.proxy.server.TestOrigin;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pipelined requests (sent before earlier responses arrived) are answered in order. */
class PipeliningTest {

    private TestOrigin origin;
    private ProxyFixture proxy;

    @BeforeEach
    void start() throws Exception {
        origin = new TestOrigin("a");
        proxy = ProxyFixture.start(TestConfigs.builder().listener("http")
                .limits(new LimitsConfig(16384, 8192, 1 << 20, Duration.ofSeconds(10), Duration.ofSeconds(30), 2))
                .upstream("app", origin.port())
                .respondRoute("local", "/local", 200, "local\n")
                .proxyRoute("app", "/", "app").build());
    }

    @AfterEach
    void stop() {
        proxy.close();
        origin.close();
    }

    @Test
    void answersPipelinedRequestsInOrderAcrossRouteKinds() throws Exception {
        try (RawClient client = proxy.client()) {
            // A slow proxied request first, so the later (faster) ones must wait their turn.
            client.send("GET /slow?ms=300 HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /local HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc");
            assertThat(client.read().text()).isEqualTo("slow 300");
            assertThat(client.read().text()).isEqualTo("local\n");
            assertThat(client.read().text()).startsWith("bytes=3 ");
            // The connection is still usable afterwards.
            assertThat(client.get("/echo?after").text()).contains("uri: /echo?after\n");
        }
    }

    @Test
    void headInAPipelineDoesNotDesynchronizeTheStream() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("HEAD /download?bytes=500 HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /echo?second HTTP/1.1\r\nHost: t\r\n\r\n");
            RawResponse head = client.read(true);
            assertThat(head.header("content-length")).isEqualTo("500");
            assertThat(client.read().text()).contains("uri: /echo?second\n");
        }
    }

    @Test
    void beyondTheLimitTheAcceptedRequestsAreAnsweredThenTheConnectionCloses() throws Exception {
        StringBuilder six = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            six.append("GET /echo?n=").append(i).append(" HTTP/1.1\r\nHost: t\r\n\r\n");
        }
        try (RawClient client = proxy.client()) {
            client.send(six.toString());
            // One in progress plus max-pipelined-requests (2) queued; the rest is left for the client to retry.
            for (int i = 0; i < 3; i++) {
                RawResponse r = client.read();
                assertThat(r.text()).contains("uri: /echo?n=" + i + "\n");
                assertThat(r.closes()).isEqualTo(i == 2);
            }
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void aClientAskingToCloseGetsItsWholeResponseThenEndOfStream() throws Exception {
        try (RawClient client = proxy.client()) {
            // Larger than a socket buffer: the close must wait for the flush to finish.
            client.send("GET /download?bytes=3000000 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            RawResponse r = client.read();
            assertThat(r.body()).hasSize(3_000_000);
            assertThat(r.closes()).isTrue();
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void bytesAfterARequestAskingToCloseDoNotCutItsResponse() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("GET /echo?first HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                    + "GET /echo?second HTTP/1.1\r\nHost: t\r\n\r\n");
            RawResponse r = client.read();
            assertThat(r.text()).contains("uri: /echo?first\n");
            assertThat(r.closes()).isTrue();
            // The second request is not answered: the connection ends after the first response.
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void anHttp10ClientWithoutKeepAliveGetsItsResponseThenEndOfStream() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("GET /echo?old HTTP/1.0\r\n\r\n");
            assertThat(new String(client.readToEnd(), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .startsWith("HTTP/1.1 200").contains("uri: /echo?old\n");
        }
    }
}
