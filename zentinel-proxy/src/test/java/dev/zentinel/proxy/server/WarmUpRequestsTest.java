package dev.zentinel.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pre-encoded warm-up traffic is byte for byte what the warm-up sent when Netty's HTTP codec
 * encoded it (request mix, field order, spellings, bodies): the cheaper peers must exercise the
 * proxy exactly as before.
 */
class WarmUpRequestsTest {

    @Test
    void requestsAreWhatNettysEncoderWrote() {
        WarmUpRequests requests = new WarmUpRequests();
        for (int index = 0; index < WarmUpRequests.PER_CONNECTION; index++) {
            assertThat(text(requests.bytes(index))).as("request %d", index).isEqualTo(text(nettyRequest(index + 1)));
        }
    }

    @Test
    void aConnectionCyclesThroughTheMixAndAsksToCloseOnlyAtItsEnd() {
        WarmUpRequests requests = new WarmUpRequests();
        List<String> methods = new ArrayList<>();
        for (int index = 0; index < WarmUpRequests.PER_CONNECTION; index++) {
            String request = text(requests.bytes(index));
            methods.add(request.substring(0, request.indexOf(' ')));
            assertThat(requests.isHead(index)).isEqualTo(request.startsWith("HEAD "));
            assertThat(WarmUpRequests.closes(index)).isEqualTo(request.contains("\r\nconnection: close\r\n"));
        }
        assertThat(methods.subList(0, 4)).containsExactly("GET", "POST", "HEAD", "GET");
        assertThat(WarmUpRequests.closes(WarmUpRequests.PER_CONNECTION - 1)).isTrue();
    }

    @Test
    void originResponsesAreWhatNettysEncoderWrote() {
        WarmUpOrigin.Responses responses = new WarmUpOrigin.Responses();
        byte[] full = responses.to(false);
        byte[] head = responses.to(true);
        assertThat(text(full)).isEqualTo(text(nettyResponse()));
        assertThat(text(full)).startsWith(text(head));
        assertThat(text(head)).endsWith("\r\n\r\n").contains("content-length: 176\r\n");
    }

    /** The warm-up's {@code sent}-th request on a connection as Netty's encoder writes it. */
    private static byte[] nettyRequest(int sent) {
        FullHttpRequest request;
        switch ((sent - 1) & 3) {
            case 0 -> request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/proxy/item?id=" + sent);
            case 1 -> {
                request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/proxy/upload",
                        Unpooled.wrappedBuffer(new byte[1024]));
                HttpUtil.setContentLength(request, 1024);
            }
            case 2 -> request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.HEAD, "/proxy/item");
            default -> request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/health");
        }
        request.headers().set(HttpHeaderNames.HOST, sent % 2 == 0 ? "warmup.local:8080" : "warmup.local");
        request.headers()
                .set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) zentinel-warmup/1.0")
                .set("Accept", sent % 2 == 0 ? "*/*" : "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
                .set("Accept-Encoding", "gzip, deflate, br")
                .set("Accept-Language", "en-US,en;q=0.5")
                .set("X-Request-ID", "wu-" + sent + "-7f3a9c")
                .set("Cookie", "session=ab12CD34; theme=dark");
        if (sent % 3 == 0) {
            request.headers().set("X-Forwarded-For", "192.0.2." + (sent & 127));
        }
        if (sent % 16 == 0) {
            request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return encode(new EmbeddedChannel(new HttpRequestEncoder()), request);
    }

    private static byte[] nettyResponse() {
        byte[] body = "warm-up response body\n".repeat(8).getBytes(StandardCharsets.US_ASCII);
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(body));
        HttpUtil.setContentLength(response, body.length);
        response.headers()
                .set("Content-Type", "text/plain; charset=utf-8")
                .set("Date", "Fri, 27 Nov 2026 01:00:00 GMT")
                .set("Cache-Control", "no-cache, max-age=0")
                .set("Server", "warmup-origin/1.0")
                .set("X-Content-Type-Options", "nosniff")
                .set("ETag", "\"5f2b-1a\"");
        return encode(new EmbeddedChannel(new HttpResponseEncoder()), response);
    }

    private static byte[] encode(EmbeddedChannel channel, Object message) {
        channel.writeOutbound(message);
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf part; (part = channel.readOutbound()) != null; ) {
            all.writeBytes(part);
            part.release();
        }
        channel.finishAndReleaseAll();
        return ByteBufUtil.getBytes(all);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
