package dev.zentinel.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zentinel.proxy.server.ProxyFixture;
import dev.zentinel.proxy.server.RawClient;
import dev.zentinel.proxy.server.RawResponse;
import dev.zentinel.proxy.server.TestConfigs;
import dev.zentinel.proxy.server.TestOrigin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Requests through the proxy to a real origin: framing, keep-alive, headers. */
class ForwardingTest {

    private TestOrigin origin;
    private ProxyFixture proxy;

    @BeforeEach
    void start() throws Exception {
        origin = new TestOrigin("a");
        proxy = ProxyFixture.start(TestConfigs.builder().listener("http")
                .upstream("app", origin.port())
                .respondRoute("local", "/local", 200, "local\n")
                .proxyRoute("app", "/", "app")
                .build());
    }

    @AfterEach
    void stop() {
        proxy.close();
        origin.close();
    }

    @Test
    void forwardsGetAndKeepsBothSidesAlive() throws Exception {
        try (RawClient client = proxy.client()) {
            for (int i = 0; i < 5; i++) {
                RawResponse r = client.get("/id");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.text()).isEqualTo("a conn=1");
                assertThat(r.closes()).isFalse();
            }
        }
        assertThat(origin.connections()).isEqualTo(1);
    }

    @Test
    void addsForwardingHeadersAndAppendsToExistingOnes() throws Exception {
        try (RawClient client = proxy.client()) {
            RawResponse r = client.get("/echo?q=1", "X-Forwarded-For: 203.0.113.7", "Via: 1.0 edge");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text())
                    .contains("uri: /echo?q=1\n")
                    .contains("version: HTTP/1.1\n")
                    .contains("x-forwarded-for: 203.0.113.7, 127.0.0.1\n")
                    .contains("x-forwarded-proto: http\n")
                    .contains("x-forwarded-host: test.local\n")
                    .contains("via: 1.0 edge, 1.1 zentinel\n")
                    .contains("host: test.local\n");
        }
    }

    @Test
    void joinsRepeatedForwardingFieldLines() throws Exception {
        try (RawClient client = proxy.client()) {
            RawResponse r = client.get("/echo", "X-Forwarded-For: 198.51.100.1", "X-Forwarded-For: 198.51.100.2",
                    "Via: 1.0 a", "Via: 1.1 b");
            assertThat(r.text())
                    .contains("x-forwarded-for: 198.51.100.1, 198.51.100.2, 127.0.0.1\n")
                    .contains("via: 1.0 a, 1.1 b, 1.1 zentinel\n");
        }
    }

    @Test
    void removesHopByHopRequestHeaders() throws Exception {
        try (RawClient client = proxy.client()) {
            RawResponse r = client.get("/echo", "Connection: keep-alive, X-Secret", "X-Secret: s", "Keep-Alive: timeout=5",
                    "Proxy-Connection: keep-alive", "TE: trailers", "Upgrade: websocket", "X-Kept: yes");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text())
                    .doesNotContain("x-secret")
                    .doesNotContain("keep-alive:")
                    .doesNotContain("proxy-connection")
                    .doesNotContain("\nte:")
                    .doesNotContain("upgrade")
                    .doesNotContain("\nconnection:")
                    .contains("x-kept: yes\n");
        }
    }

    /**
     * Each hop-by-hop field on its own, in unusual case: the decoder's count of them (which lets
     * requests without any skip the stripping) must see every one, or it would be forwarded.
     */
    @Test
    void removesEachHopByHopRequestHeaderAlone() throws Exception {
        String[][] cases = {
            {"cONNECTION: X-Secret", "X-Secret: s"},
            {"KEEP-alive: timeout=5"},
            {"Proxy-CONNECTION: keep-alive"},
            {"tE: trailers"},
            {"TRAILER: X-Checksum"},
            {"UpGrade: websocket"},
        };
        try (RawClient client = proxy.client()) {
            for (String[] fields : cases) {
                String[] withMarker = java.util.Arrays.copyOf(fields, fields.length + 1);
                withMarker[fields.length] = "X-Kept: yes";
                RawResponse r = client.get("/echo", withMarker);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.text()).as(fields[0])
                        .doesNotContain("x-secret")
                        .doesNotContain("keep-alive:")
                        .doesNotContain("proxy-connection")
                        .doesNotContain("\nte:")
                        .doesNotContain("\ntrailer:")
                        .doesNotContain("upgrade")
                        .doesNotContain("\nconnection:")
                        .contains("x-kept: yes\n");
            }
        }
    }

    @Test
    void connectionHeaderCannotStripFramingHeaders() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("POST /upload HTTP/1.1\r\nHost: test.local\r\nConnection: content-length, host\r\nContent-Length: 5\r\n\r\nhello");
            RawResponse r = client.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).startsWith("bytes=5 ");
        }
    }

    @Test
    void removesHopByHopResponseHeaders() throws Exception {
        try (RawClient client = proxy.client()) {
            RawResponse r = client.get("/hop");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.hasHeader("x-hop")).isFalse();
            assertThat(r.hasHeader("keep-alive")).isFalse();
            assertThat(r.hasHeader("connection")).isFalse();
            assertThat(r.header("x-end-to-end")).isEqualTo("kept");
        }
    }

    @Test
    void passesChunkedBodiesBothWays() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            RawResponse up = client.read();
            assertThat(up.text()).startsWith("bytes=11 ");

            RawResponse down = client.get("/chunked");
            assertThat(down.chunked()).isTrue();
            assertThat(down.text()).isEqualTo("onetwothree");
        }
    }

    @Test
    void headResponsesHaveNoBody() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("HEAD /download?bytes=1000 HTTP/1.1\r\nHost: t\r\n\r\n");
            RawResponse head = client.read(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo("1000");
            // The connection is still in sync: the next response is the right one.
            client.send("HEAD /local HTTP/1.1\r\nHost: t\r\n\r\n");
            RawResponse local = client.read(true);
            assertThat(local.status()).isEqualTo(200);
            assertThat(local.header("content-length")).isEqualTo("6");
            assertThat(client.get("/id").text()).startsWith("a conn=");
        }
    }

    @Test
    void closeDelimitedOriginResponseIsChunkedToTheClient() throws Exception {
        try (RawClient client = proxy.client()) {
            RawResponse r = client.get("/close-delimited");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.chunked()).isTrue();
            assertThat(r.text()).isEqualTo("until close");
            assertThat(client.get("/local").text()).isEqualTo("local\n");
        }
    }

    @Test
    void expectContinueIsRelayedFromTheOrigin() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("POST /continue HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            RawResponse interim = client.read();
            assertThat(interim.status()).isEqualTo(100);
            client.send("data");
            RawResponse r = client.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).startsWith("bytes=4 ");
        }
    }

    @Test
    void http10ClientGetsALengthDelimitedOrClosingResponse() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("GET /chunked HTTP/1.0\r\nHost: t\r\n\r\n");
            RawResponse r = client.read();
            assertThat(r.chunked()).isFalse();
            assertThat(r.text()).isEqualTo("onetwothree");
            assertThat(client.closedByPeer()).isTrue();
        }
        try (RawClient client = proxy.client()) {
            client.send("GET /id HTTP/1.0\r\nHost: t\r\nConnection: keep-alive\r\n\r\n");
            RawResponse r = client.read();
            assertThat(r.header("connection")).isEqualToIgnoringCase("keep-alive");
            client.send("GET /local HTTP/1.0\r\nHost: t\r\nConnection: keep-alive\r\n\r\n");
            assertThat(client.read().text()).isEqualTo("local\n");
        }
    }

    @Test
    void absoluteFormTargetBecomesOriginFormWithItsAuthorityAsHost() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("GET http://example.org:8080/echo?x=1 HTTP/1.1\r\nHost: ignored.local\r\n\r\n");
            RawResponse r = client.read();
            assertThat(r.text()).contains("uri: /echo?x=1\n").contains("host: example.org:8080\n");
        }
    }

    @Test
    void respondRouteAndUnknownPath() throws Exception {
        try (RawClient client = proxy.client()) {
            RawResponse r = client.get("/local/x");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("local\n");
        }
    }
}
