package dev.zentinel.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.zentinel.proxy.server.ProxyFixture;
import dev.zentinel.proxy.server.RawClient;
import dev.zentinel.proxy.server.TestConfigs;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The exact request head the origin receives (written from the client's parsed request, not re-encoded from a map). */
class ForwardedRequestHeadTest {

    private ScriptedOrigin origin;
    private ProxyFixture proxy;

    @BeforeEach
    void start() throws Exception {
        // Bytes that are not a request (a chunked body, which the scripted origin reads like a head) get no reply.
        origin = new ScriptedOrigin(head -> ScriptedOrigin.Reply.of(
                head.contains(" HTTP/1.1\r\n") ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" : ""));
        proxy = ProxyFixture.start(TestConfigs.builder().listener("http").upstream("app", origin.port())
                .proxyRoute("r", "/", "app").build());
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        origin.close();
    }

    @Test
    void hopByHopFieldsGoAndForwardingFieldsAreAppendedInOrder() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("GET /a?q=1 HTTP/1.0\r\nHost: h.example\r\nX-Forwarded-For: 10.0.0.1\r\nConnection: keep-alive, X-Drop\r\n"
                    + "X-Drop: d\r\nvia: 1.0 other\r\nX-Forwarded-For: 10.0.0.2\r\nX-Forwarded-Proto: https\r\n"
                    + "X-Forwarded-Host: spoofed\r\nTE: trailers\r\nX-Kept: k\r\n\r\n");
            assertThat(client.read().text()).isEqualTo("ok");
        }
        assertThat(origin.requestHeads()).containsExactly("GET /a?q=1 HTTP/1.1\r\n"
                + "Host: h.example\r\n"
                + "X-Kept: k\r\n"
                + "x-forwarded-for: 10.0.0.1, 10.0.0.2, 127.0.0.1\r\n"
                + "x-forwarded-proto: http\r\n"
                + "x-forwarded-host: h.example\r\n"
                + "via: 1.0 other, 1.1 zentinel");
    }

    @Test
    void aChunkedUploadIsRechunkedWithItsTrailers() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n2\r\nde\r\n0\r\nX-Sum: 5\r\n\r\n");
            assertThat(client.read().text()).isEqualTo("ok");
        }
        // The scripted origin reads up to an empty line: the chunked body, ending in its trailer
        // section, arrives as a second "head" on the same connection.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(origin.requestHeads()).hasSize(2));
        assertThat(origin.requestHeads().get(0)).startsWith("POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n");
        assertThat(origin.requestHeads().get(1)).isEqualTo("3\r\nabc\r\n2\r\nde\r\n0\r\nX-Sum: 5");
    }
}
