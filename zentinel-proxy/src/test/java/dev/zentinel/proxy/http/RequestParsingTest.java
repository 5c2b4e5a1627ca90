package dev.zentinel.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zentinel.proxy.config.LimitsConfig;
import dev.zentinel.proxy.server.ProxyFixture;
import dev.zentinel.proxy.server.RawClient;
import dev.zentinel.proxy.server.RawResponse;
import dev.zentinel.proxy.server.TestConfigs;
import dev.zentinel.proxy.server.TestOrigin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The request parser through a running proxy on real sockets: malformed shapes written one byte
 * per write, heads split at every position, the size limits exactly at and one byte over, and
 * requests pipelined in one write.
 */
class RequestParsingTest {

    /** Small limits so that the boundaries are cheap to reach; generous timeouts for a loaded machine. */
    private static final LimitsConfig LIMITS = new LimitsConfig(1024, 256, 100_000,
            Duration.ofSeconds(10), Duration.ofSeconds(30), 8);

    private static TestOrigin origin;
    private static ProxyFixture proxy;

    @BeforeAll
    static void start() throws Exception {
        origin = new TestOrigin("a");
        proxy = ProxyFixture.start(TestConfigs.builder().listener("http").limits(LIMITS).upstream("app", origin.port())
                .proxyRoute("app", "/", "app").build());
    }

    @AfterAll
    static void stop() {
        proxy.close();
        origin.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.zentinel.proxy.http.MalformedRequestTest#rejectedShapes")
    void malformedShapesWrittenOneBytePerWriteAre400(String spec) throws Exception {
        int before = origin.requests();
        try (RawClient client = proxy.client()) {
            sendBytewise(client, spec.replace("|", "\r\n"));
            RawResponse r = client.read();
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.closes()).isTrue();
            assertThat(client.closedByPeer()).isTrue();
        }
        assertThat(origin.requests()).isEqualTo(before);
    }

    @Test
    void aRequestSplitAtEveryPositionIsForwardedIntact() throws Exception {
        String request = "POST /upload?q=1 HTTP/1.1\r\nHost: test.local\r\nX-A: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n6;x=y\r\n world\r\n0\r\nX-T: t\r\n\r\n";
        try (RawClient client = proxy.client()) {
            for (int at = 1; at < request.length(); at++) {
                client.send(request.substring(0, at));
                client.send(request.substring(at));
                RawResponse r = client.read();
                assertThat(r.status()).as("split at %d", at).isEqualTo(200);
                assertThat(r.text()).as("split at %d", at).startsWith("bytes=11 ");
            }
        }
    }

    @Test
    void fieldLinesExactlyAtMaxHeaderBytesPassAndOneMoreIs431() throws Exception {
        // The limit counts field lines without their CRLFs; RawClient.get adds "Host: test.local" (16 bytes).
        String fill = "X-Fill: " + "f".repeat(1024 - 16 - 8);
        try (RawClient client = proxy.client()) {
            RawResponse r = client.get("/echo", fill);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).contains("x-fill: f");
        }
        try (RawClient client = proxy.client()) {
            RawResponse r = client.get("/echo", fill + "f");
            assertThat(r.status()).isEqualTo(431);
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void requestLineExactlyAtMaxInitialLineBytesPassesAndOneMoreIs414() throws Exception {
        String target = "/echo?" + "p".repeat(256 - "GET /echo? HTTP/1.1".length());
        assertThat(("GET " + target + " HTTP/1.1").length()).isEqualTo(256);
        try (RawClient client = proxy.client()) {
            assertThat(client.get(target).status()).isEqualTo(200);
        }
        try (RawClient client = proxy.client()) {
            assertThat(client.get(target + "p").status()).isEqualTo(414);
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void requestsPipelinedInOneWriteAreAnsweredInOrder() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("GET /echo?1 HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
                    + "POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n"
                    + "\r\n"
                    + "HEAD /download?bytes=7 HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /echo?5 HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(client.read().text()).contains("uri: /echo?1\n");
            assertThat(client.read().text()).startsWith("bytes=3 ");
            assertThat(client.read().text()).startsWith("bytes=4 ");
            assertThat(client.read(true).header("content-length")).isEqualTo("7");
            RawResponse last = client.read();
            assertThat(last.text()).contains("uri: /echo?5\n");
            assertThat(last.closes()).isFalse();
        }
    }

    @Test
    void aHeadArrivingOneBytePerWriteIsForwarded() throws Exception {
        try (RawClient client = proxy.client()) {
            sendBytewise(client, "GET /echo?slow HTTP/1.1\r\nHost: t\r\nX-Trickle:  yes \r\n\r\n");
            RawResponse r = client.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).contains("uri: /echo?slow\n").contains("x-trickle: yes\n");
        }
    }

    /** One write per byte; stops when the proxy has closed (it may refuse before the end). */
    private static void sendBytewise(RawClient client, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        try {
            for (byte b : bytes) {
                client.send(new byte[] {b});
            }
        } catch (IOException closedEarly) {
            // the response (or the close) is what the test looks at
        }
    }
}
