package dev.zentinel.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zentinel.proxy.server.ProxyFixture;
import dev.zentinel.proxy.server.RawClient;
import dev.zentinel.proxy.server.RawResponse;
import dev.zentinel.proxy.server.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The upstream response parser against a raw-socket origin: what it must refuse (502, or a cut
 * client connection once the head is out), and the legal but unusual responses it must forward
 * intact without losing sync with the origin.
 */
class UpstreamResponseParsingTest {

    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    /** Replies by request path; the path is the part of the request line after the method. */
    private final Map<String, ScriptedOrigin.Reply> replies = new ConcurrentHashMap<>();
    private ScriptedOrigin origin;
    private ProxyFixture proxy;

    @BeforeEach
    void start() throws Exception {
        origin = new ScriptedOrigin(head -> {
            String path = head.substring(head.indexOf(' ') + 1, head.indexOf(" HTTP/"));
            return replies.getOrDefault(path, ScriptedOrigin.Reply.of(OK));
        });
        proxy = ProxyFixture.start(TestConfigs.builder().listener("http").upstream("app", origin.port())
                .proxyRoute("r", "/", "app").build());
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        origin.close();
    }

    private void reply(String path, String response) {
        replies.put(path, ScriptedOrigin.Reply.of(response));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "HTTP/1.1 200 OK\r\nX-A: a\r\n  folded\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nContent-Length: 0x2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nBad Name: x\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nX(y): x\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\n: x\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nX-A: a\u0000b\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nX-A: a\u007fb\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 20 OK\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
        "ICY 200 OK\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 200OK\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n",
    })
    void malformedResponseHeadsAre502(String response) throws Exception {
        reply("/bad", response);
        try (RawClient client = proxy.client()) {
            RawResponse r = client.get("/bad");
            assertThat(r.status()).isEqualTo(502);
            // The client connection is unharmed and the next request gets a fresh origin connection.
            assertThat(client.get("/ok").text()).isEqualTo("ok");
        }
        assertThat(proxy.metrics().scrape()).contains("kind=\"reset\"");
    }

    @Test
    void oversizedResponseHeadIs502() throws Exception {
        reply("/big", "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(UpstreamCodecs.MAX_HEADER_BYTES) + "\r\nContent-Length: 2\r\n\r\nok");
        reply("/longline", "HTTP/1.1 200 " + "a".repeat(UpstreamCodecs.MAX_INITIAL_LINE_BYTES) + "\r\nContent-Length: 2\r\n\r\nok");
        try (RawClient client = proxy.client()) {
            assertThat(client.get("/big").status()).isEqualTo(502);
            assertThat(client.get("/longline").status()).isEqualTo(502);
            assertThat(client.get("/ok").text()).isEqualTo("ok");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "zz\r\nok\r\n0\r\n\r\n",
        "-2\r\nok\r\n0\r\n\r\n",
        "2 2\r\nok\r\n0\r\n\r\n",
        "\r\nok\r\n0\r\n\r\n",
        "10000000000000000\r\nok\r\n0\r\n\r\n",
        "2\r\nokXX0\r\n\r\n",
        "2;ext\u0001\r\nok\r\n0\r\n\r\n",
        "2\r\nok\r\n0\r\nBad Trailer: x\r\n\r\n",
    })
    void malformedChunkedBodiesCutTheClientConnection(String body) throws Exception {
        reply("/chunks", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
        try (RawClient client = proxy.client()) {
            client.send("GET /chunks HTTP/1.1\r\nHost: t\r\n\r\n");
            String text = new String(client.readToEnd(), StandardCharsets.ISO_8859_1);
            // The head was on its way before the body turned out bad: only a cut connection (with
            // or without the head, never with an end of body) can say so.
            assertThat(text).doesNotEndWith("0\r\n\r\n");
            assertThat(text.isEmpty() || text.startsWith("HTTP/1.1 200 ")).isTrue();
        }
        try (RawClient client = proxy.client()) {
            assertThat(client.get("/ok").text()).isEqualTo("ok");
        }
    }

    @Test
    void unusualButLegalResponsesAreForwarded() throws Exception {
        reply("/ws-before-colon", "HTTP/1.1 200 OK\r\nX-A : a\r\nContent-Length : 2\r\n\r\nok");
        reply("/lf-only", "HTTP/1.1 200 OK\nX-A: a\nContent-Length: 2\n\nok");
        reply("/no-reason", "HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok");
        reply("/ext", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;a=b\r\no\r\n1 ; c\r\nk\r\n0\r\n\r\n");
        reply("/upper-hex", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0000A\r\n0123456789\r\n0\r\n\r\n");
        reply("/obs-text", "HTTP/1.1 200 OK\r\nX-Latin: caf\u00e9\r\nContent-Length: 2\r\n\r\nok");
        reply("/trailers", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-Check: 7\r\n\r\n");
        try (RawClient client = proxy.client()) {
            RawResponse r = client.get("/ws-before-colon");
            assertThat(r.text()).isEqualTo("ok");
            assertThat(r.header("x-a")).isEqualTo("a");
            assertThat(client.get("/lf-only").text()).isEqualTo("ok");
            assertThat(client.get("/no-reason").text()).isEqualTo("ok");
            assertThat(client.get("/ext").text()).isEqualTo("ok");
            assertThat(client.get("/upper-hex").text()).isEqualTo("0123456789");
            RawResponse latin = client.get("/obs-text");
            assertThat(latin.header("x-latin")).isEqualTo("caf\u00e9");
            RawResponse withTrailers = client.get("/trailers");
            assertThat(withTrailers.text()).isEqualTo("ok");
            assertThat(withTrailers.header("x-check")).isEqualTo("7");
        }
        // All of them were read to their exact end: one origin connection served them all.
        assertThat(origin.connections()).isEqualTo(1);
    }

    @Test
    void aResponseArrivingByteByByteIsParsed() throws Exception {
        replies.put("/slow", ScriptedOrigin.Reply.of(
                "HTTP/1.1 200 OK\r\nX-A: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n3\r\n!!!\r\n0\r\nX-T: t\r\n\r\n").trickled());
        try (RawClient client = proxy.client()) {
            RawResponse r = client.get("/slow");
            assertThat(r.text()).isEqualTo("ok!!!");
            assertThat(r.header("x-a")).isEqualTo("a");
            assertThat(client.get("/ok").text()).isEqualTo("ok");
        }
        assertThat(origin.connections()).isEqualTo(1);
    }

    @Test
    void bytesAfterTheResponseRetireTheOriginConnection() throws Exception {
        reply("/extra", OK + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nextra");
        try (RawClient client = proxy.client()) {
            assertThat(client.get("/extra").text()).isEqualTo("ok");
            // The stray second response must not be taken for the answer to the next request.
            assertThat(client.get("/ok").text()).isEqualTo("ok");
        }
        assertThat(origin.connections()).isEqualTo(2);
    }

    @Test
    void strayLineEndsBetweenResponsesAreSkipped() throws Exception {
        reply("/crlf", OK + "\r\n");
        try (RawClient client = proxy.client()) {
            assertThat(client.get("/crlf").text()).isEqualTo("ok");
            assertThat(client.get("/ok").text()).isEqualTo("ok");
        }
    }

    @Test
    void bodilessResponsesIgnoreTheirFramingFields() throws Exception {
        reply("/head", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
        reply("/not-modified", "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n");
        reply("/no-content", "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
        reply("/reset", "HTTP/1.1 205 Reset Content\r\nContent-Length: 3\r\n\r\nabc");
        reply("/early", "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n" + OK);
        try (RawClient client = proxy.client()) {
            client.send("HEAD /head HTTP/1.1\r\nHost: t\r\n\r\n");
            RawResponse head = client.read(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo("5");
            assertThat(client.get("/not-modified").status()).isEqualTo(304);
            RawResponse noContent = client.get("/no-content");
            assertThat(noContent.status()).isEqualTo(204);
            assertThat(noContent.hasHeader("content-length")).isFalse();
            RawResponse reset = client.get("/reset");
            assertThat(reset.status()).isEqualTo(205);
            assertThat(reset.header("content-length")).isEqualTo("0");
            assertThat(reset.body()).isEmpty();
            RawResponse hints = client.get("/early");
            assertThat(hints.status()).isEqualTo(103);
            assertThat(hints.header("link")).isEqualTo("</a.css>");
            assertThat(client.read().text()).isEqualTo("ok");
            assertThat(client.get("/ok").text()).isEqualTo("ok");
        }
        assertThat(origin.connections()).isEqualTo(1);
    }

    @Test
    void fieldsTheOriginsConnectionFieldNamesAreRemoved() throws Exception {
        reply("/nominated", "HTTP/1.1 200 OK\r\nConnection: x-secret, keep-alive\r\nX-Secret: s\r\nX-Kept: k\r\n"
                + "Keep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\nok");
        try (RawClient client = proxy.client()) {
            RawResponse r = client.get("/nominated");
            assertThat(r.text()).isEqualTo("ok");
            assertThat(r.hasHeader("x-secret")).isFalse();
            assertThat(r.hasHeader("keep-alive")).isFalse();
            assertThat(r.header("x-kept")).isEqualTo("k");
            assertThat(r.closes()).isFalse();
        }
    }

    @Test
    void http10ResponseWithoutKeepAliveRetiresTheOriginConnection() throws Exception {
        reply("/old", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok");
        reply("/old-ka", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok");
        try (RawClient client = proxy.client()) {
            assertThat(client.get("/old-ka").text()).isEqualTo("ok");
            assertThat(client.get("/old").text()).isEqualTo("ok");
            assertThat(client.get("/ok").text()).isEqualTo("ok");
        }
        assertThat(origin.connections()).isEqualTo(2);
    }
}
