package dev.zentinel.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zentinel.proxy.server.ProxyFixture;
import dev.zentinel.proxy.server.RawClient;
import dev.zentinel.proxy.server.RawResponse;
import dev.zentinel.proxy.server.TestConfigs;
import dev.zentinel.proxy.server.TestOrigin;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request-smuggling shapes and other malformed input, written byte for byte on a raw socket.
 * Each must be answered with 400 (and the connection closed) and must never reach the origin.
 */
class MalformedRequestTest {

    private static TestOrigin origin;
    private static ProxyFixture proxy;

    @BeforeAll
    static void start() throws Exception {
        origin = new TestOrigin("a");
        proxy = ProxyFixture.start(TestConfigs.builder().listener("http").upstream("app", origin.port())
                .proxyRoute("app", "/", "app").build());
    }

    @AfterAll
    static void stop() {
        proxy.close();
        origin.close();
    }

    private int originRequestsBefore;

    @BeforeEach
    void mark() {
        originRequestsBefore = origin.requests();
    }

    /** Shapes answered with 400 ("|" stands for CRLF); RequestParsingTest also writes them one byte per write. */
    static Stream<String> rejectedShapes() {
        return Stream.of(
                // Content-Length together with Transfer-Encoding
                "POST /upload HTTP/1.1|Host: t|Content-Length: 5|Transfer-Encoding: chunked||0||",
                "POST /upload HTTP/1.1|Host: t|Transfer-Encoding: chunked|Content-Length: 5||0||",
                // duplicate Content-Length, equal and differing, and as a list
                "POST /upload HTTP/1.1|Host: t|Content-Length: 5|Content-Length: 5||hello",
                "POST /upload HTTP/1.1|Host: t|Content-Length: 5|Content-Length: 6||hello!",
                "POST /upload HTTP/1.1|Host: t|Content-Length: 5, 5||hello",
                // invalid Content-Length
                "POST /upload HTTP/1.1|Host: t|Content-Length: abc||",
                "POST /upload HTTP/1.1|Host: t|Content-Length: -1||",
                "POST /upload HTTP/1.1|Host: t|Content-Length: +5||hello",
                "POST /upload HTTP/1.1|Host: t|Content-Length: 0x5||hello",
                "POST /upload HTTP/1.1|Host: t|Content-Length: 99999999999999999999999||",
                // transfer codings other than a single chunked
                "POST /upload HTTP/1.1|Host: t|Transfer-Encoding: gzip||",
                "POST /upload HTTP/1.1|Host: t|Transfer-Encoding: gzip, chunked||0||",
                "POST /upload HTTP/1.1|Host: t|Transfer-Encoding: chunked, chunked||0||",
                "POST /upload HTTP/1.1|Host: t|Transfer-Encoding: chunked|Transfer-Encoding: chunked||0||",
                "POST /upload HTTP/1.1|Host: t|Transfer-Encoding: xchunked||0||",
                "POST /upload HTTP/1.1|Host: t|Transfer-Encoding: identity||",
                "POST /upload HTTP/1.0|Host: t|Transfer-Encoding: chunked||0||",
                // obs-fold (a header continued on the next line)
                "GET /echo HTTP/1.1|Host: t|X-Folded: a| b||",
                "GET /echo HTTP/1.1|Host: t|Transfer-Encoding:| chunked||0||",
                "GET /echo HTTP/1.1|Host: t|X-A: 1|\tb||",
                // invalid header names / separators
                "GET /echo HTTP/1.1|Host: t|Bad Name: x||",
                "GET /echo HTTP/1.1|Host: t|X-Space : x||",
                "GET /echo HTTP/1.1|Host: t|Transfer-Encoding : chunked||0||",
                "GET /echo HTTP/1.1|Host: t|: novalue||",
                "GET /echo HTTP/1.1|Host: t|X(y): z||",
                // Host missing or repeated (HTTP/1.1)
                "GET /echo HTTP/1.1|X: y||",
                "GET /echo HTTP/1.1|Host: a|Host: b||",
                // broken request lines
                "GET echo HTTP/1.1|Host: t||",
                "GET /echo FOO/1.1|Host: t||",
                "G@T /echo HTTP/1.1|Host: t||"
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedShapes")
    void rejectedWith400AndClosed(String spec) throws Exception {
        assertRejected(spec.replace("|", "\r\n"), 400);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "5\r\nhello\r\nzz\r\n",            // non-hex chunk size
        "5\r\nhello\r\n-1\r\n",            // negative chunk size
        "5\r\nhello\r\n 5\r\nhello\r\n",   // leading space in size
        "5\r\nhelloXX\r\n0\r\n\r\n",       // chunk longer than its size
        "fffffffffffffffff\r\n",           // chunk size overflow
    })
    void badChunkSizesAreRejected(String chunks) throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks);
            RawResponse r = readResponseOrNull(client);
            // Either 400 before the origin answered, or the connection is cut: never a 200 with a mangled body.
            if (r != null) {
                assertThat(r.status()).isEqualTo(400);
                assertThat(r.closes()).isTrue();
            }
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "GET /echo HTTP/1.1\nHost: t\n\n",           // bare LF line endings
        "GET /echo HTTP/1.1\r\nHost: t\n\r\n",
        "GET /echo HTTP/1.1\r\nHost: t\r\nX: a\rb\r\n\r\n",  // bare CR in a value
        "GET /echo HTTP/1.1\r\nHost: t\r\nX: a\u0000b\r\n\r\n", // NUL in a value
    })
    void rejectsBadLineEndingsAndControlCharacters(String raw) throws Exception {
        assertRejected(raw, 400);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GET /echo HTTP/9.9\r\nHost: t\r\n\r\n", "GET /echo HTTP/1.2\r\nHost: t\r\n\r\n"})
    void unsupportedVersionIs505(String raw) throws Exception {
        assertRejected(raw, 505);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n"})
    void connectIsNotImplemented(String raw) throws Exception {
        assertRejected(raw, 501);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: something-else\r\n\r\n"})
    void unknownExpectationIs417(String raw) throws Exception {
        assertRejected(raw, 417);
    }

    @org.junit.jupiter.api.Test
    void obsFoldIsRejectedWhenTheFoldArrivesInALaterSegment() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("GET /echo HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n");
            client.send(" continued\r\n\r\n");
            RawResponse r = client.read();
            assertThat(r.status()).isEqualTo(400);
            assertThat(client.closedByPeer()).isTrue();
        }
        assertThat(origin.requests()).isEqualTo(originRequestsBefore);
    }

    private void assertRejected(String raw, int status) throws Exception {
        try (RawClient client = proxy.client()) {
            client.send(raw);
            RawResponse r = client.read();
            assertThat(r.status()).as(raw).isEqualTo(status);
            assertThat(r.closes()).as("Connection: close").isTrue();
            assertThat(client.closedByPeer()).as("closed").isTrue();
        }
        assertThat(origin.requests()).as("origin must not see it").isEqualTo(originRequestsBefore);
    }

    private static RawResponse readResponseOrNull(RawClient client) {
        try {
            return client.read();
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
