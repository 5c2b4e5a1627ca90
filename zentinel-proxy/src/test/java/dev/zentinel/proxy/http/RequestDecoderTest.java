package dev.zentinel.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The request decoder on its own: every input is fed whole, split in two at every position, and
 * one byte per read, and must decode to the same requests each time. The raw-socket suites
 * (MalformedRequestTest, RequestParsingTest) cover the same shapes through a running proxy.
 */
class RequestDecoderTest {

    private static final int MAX_LINE = 64;
    private static final int MAX_FIELDS = 128;
    private static final int MAX_PIECE = 16;

    private static final String PIPELINE = "GET /a?x=1 HTTP/1.1\r\nHost: h\r\nX-A:  padded \t\r\n\r\n"
            + "\r\n" // a stray CRLF between requests is ignored
            + "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 20\r\n\r\n0123456789abcdefghij"
            + "PUT /c HTTP/1.1\r\nhost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "3;ext=1\r\nabc\r\n11\r\n0123456789ABCDEFG\r\n0\r\nX-Sum: 20\r\nContent-Length: 1\r\n\r\n"
            + "HEAD /d HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";

    private static final String PIPELINE_DECODED = "GET /a?x=1 1.1 host=h fields=[Host=h, X-A=padded]\n"
            + "POST /b 1.1 host=h fields=[Host=h, Content-Length=20] length=20\n"
            + "body 0123456789abcdefghij\nend\n"
            + "PUT /c 1.1 host=h fields=[host=h, Transfer-Encoding=chunked] chunked\n"
            + "body abc0123456789ABCDEFG\nend trailers=[X-Sum=20]\n"
            + "HEAD /d 1.0 host=null fields=[Connection=keep-alive] keep-alive\n";

    @Test
    void pipelinedRequestsInOneRead() {
        assertThat(decode(List.of(PIPELINE))).isEqualTo(PIPELINE_DECODED);
    }

    @Test
    void pipelinedRequestsOneBytePerRead() {
        assertThat(decode(bytewise(PIPELINE))).isEqualTo(PIPELINE_DECODED);
    }

    @Test
    void pipelinedRequestsSplitAtEveryPosition() {
        for (int at = 1; at < PIPELINE.length(); at++) {
            assertThat(decode(List.of(PIPELINE.substring(0, at), PIPELINE.substring(at)))).as("split at %d", at)
                    .isEqualTo(PIPELINE_DECODED);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "GET /x HTTP/1.1|Host: t|X: a| b||",                 // obs-fold
        "GET /x HTTP/1.1|Host: t|X-A: 1|\tb||",
        "GET /x HTTP/1.1|Host: t|Bad Name: x||",              // not a token
        "GET /x HTTP/1.1|Host: t|X-Space : x||",              // whitespace before the colon
        "GET /x HTTP/1.1|Host: t|: novalue||",
        "GET /x HTTP/1.1|Host: t|X(y): z||",
        "GET /x HTTP/1.1|Host: t|NoColon||",
        "GET /x HTTP/1.1|Host: t|X: a\u0000b||",             // NUL
        "GET /x HTTP/1.1|Host: t|X: a\u007fb||",             // DEL
        "GET /x HTTP/1.1|Host: t|X: a\rb||",                 // bare CR
        "GET /x HTTP/1.1\nHost: t||",                         // bare LF
        "GET /x HTTP/1.1|Host: t\n|",
        "GET /x HTTP/1.1|Host: t|\n",
        "G@T /x HTTP/1.1|Host: t||",
        "GET /x|Host: t||",
        "GET /x FOO/1.1|Host: t||",
        "GET /x HTTP/1|Host: t||",
        "GET /x HTTP/1.|Host: t||",
        "GET /x HTTP/x.1|Host: t||",
        "GET /x\u0001y HTTP/1.1|Host: t||",
        " GET /x HTTP/1.1|Host: t||",
        "POST /x HTTP/1.1|Host: t|Content-Length: 5|Transfer-Encoding: chunked||0||",
        "POST /x HTTP/1.1|Host: t|Transfer-Encoding: chunked|Content-Length: 5||0||",
        "POST /x HTTP/1.1|Host: t|Content-Length: 5|Content-Length: 5||hello",
        "POST /x HTTP/1.1|Host: t|Content-Length: 5, 5||hello",
        "POST /x HTTP/1.1|Host: t|Content-Length: abc||",
        "POST /x HTTP/1.1|Host: t|Content-Length: -1||",
        "POST /x HTTP/1.1|Host: t|Content-Length: +5||hello",
        "POST /x HTTP/1.1|Host: t|Content-Length: 0x5||hello",
        "POST /x HTTP/1.1|Host: t|Content-Length: ||",
        "POST /x HTTP/1.1|Host: t|Content-Length: 99999999999999999999999||",
        "POST /x HTTP/1.0|Host: t|Transfer-Encoding: chunked||0||",
    })
    void malformedHeadsAreRefusedWith400(String spec) {
        assertRefusedEveryWay(spec.replace("|", "\r\n"), "refused 400\n");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "zz|",                      // not hex
        "-1|",                      // signed
        " 5|hello|0||",             // leading whitespace
        "5|helloXX|0||",            // data longer than its size
        "5|hello\n0||",             // data followed by a bare LF
        "5\n",                      // bare LF after the size
        "fffffffffffffffff|",       // overflow
        "5 x|hello|0||",            // junk after the size
        "5;a\u0001b|hello|0||",     // control character in an extension
        "0|X: a| b||",              // obs-fold in the trailers
        "0|Bad Name: x||",          // invalid trailer name
    })
    void malformedChunkedBodiesFailWith400(String chunks) {
        String head = "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
        String input = head + chunks.replace("|", "\r\n");
        String decoded = decode(List.of(input));
        assertThat(decoded).startsWith("POST /x 1.1 host=t").endsWith("failed 400\n");
        assertThat(decode(bytewise(input))).isEqualTo(decoded);
        for (int at = 1; at < input.length(); at++) {
            assertThat(decode(List.of(input.substring(0, at), input.substring(at)))).as("split at %d", at).isEqualTo(decoded);
        }
    }

    @Test
    void requestLineAtTheLimitPassesAndOneByteOverIs414() {
        String atLimit = "GET /" + "a".repeat(MAX_LINE - "GET / HTTP/1.1".length()) + " HTTP/1.1";
        assertThat(atLimit).hasSize(MAX_LINE);
        assertThat(decode(List.of(atLimit + "\r\nHost: t\r\n\r\n"))).startsWith("GET /aaa");
        String over = "GET /" + "a".repeat(MAX_LINE + 1 - "GET / HTTP/1.1".length()) + " HTTP/1.1\r\nHost: t\r\n\r\n";
        assertRefusedEveryWay(over, "refused 414\n");
        // Refused as soon as the line cannot end within the limit, before its end arrives.
        assertThat(decode(List.of("GET /" + "a".repeat(MAX_LINE)))).isEqualTo("refused 414\n");
    }

    @Test
    void fieldLinesAtTheLimitPassAndOneByteOverIs431() {
        // The limit counts the field lines without their CRLFs: "Host: t" is 7 bytes.
        String filler = "X: " + "b".repeat(MAX_FIELDS - 7 - 3);
        String atLimit = "GET /x HTTP/1.1\r\nHost: t\r\n" + filler + "\r\n\r\n";
        assertThat(decode(List.of(atLimit))).startsWith("GET /x 1.1 host=t");
        assertThat(decode(bytewise(atLimit))).startsWith("GET /x 1.1 host=t");
        String over = "GET /x HTTP/1.1\r\nHost: t\r\n" + filler + "b\r\n\r\n";
        assertRefusedEveryWay(over, "refused 431\n");
        assertThat(decode(List.of("GET /x HTTP/1.1\r\nHost: t\r\nX: " + "b".repeat(MAX_FIELDS)))).isEqualTo("refused 431\n");
    }

    @Test
    void nothingIsDecodedAfterARefusal() {
        assertThat(decode(List.of("GET /x HTTP/1.1\r\nBad Name: x\r\n\r\nGET /y HTTP/1.1\r\nHost: t\r\n\r\n")))
                .isEqualTo("refused 400\n");
    }

    @Test
    void aPartialHeadIsReportedAsBuffered() {
        EmbeddedChannel channel = channel(new ArrayDeque<>());
        RequestDecoder decoder = channel.pipeline().get(RequestDecoder.class);
        channel.writeInbound(bytes("GET /x HTTP/1.1\r\nHo"));
        assertThat(decoder.hasBufferedBytes()).isTrue();
        channel.writeInbound(bytes("st: t\r\n\r\n"));
        assertThat(decoder.hasBufferedBytes()).isFalse();
        assertThat((Object) channel.readInbound()).isInstanceOf(RequestHead.class);
        channel.finishAndReleaseAll();
    }

    @Test
    void theMethodOfEveryRequestIsRememberedForTheResponseEncoder() {
        ArrayDeque<HttpMethod> methods = new ArrayDeque<>();
        EmbeddedChannel channel = channel(methods);
        channel.writeInbound(bytes("HEAD / HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\nBAD LINE\r\n\r\n"));
        assertThat(methods).containsExactly(HttpMethod.HEAD, HttpMethod.GET, HttpMethod.GET);
        channel.finishAndReleaseAll();
    }

    private static void assertRefusedEveryWay(String input, String expected) {
        assertThat(decode(List.of(input))).as("whole").isEqualTo(expected);
        assertThat(decode(bytewise(input))).as("one byte per read").isEqualTo(expected);
        for (int at = 1; at < input.length(); at++) {
            assertThat(decode(List.of(input.substring(0, at), input.substring(at)))).as("split at %d", at).isEqualTo(expected);
        }
    }

    private static List<String> bytewise(String input) {
        List<String> reads = new ArrayList<>();
        for (int i = 0; i < input.length(); i++) {
            reads.add(input.substring(i, i + 1));
        }
        return reads;
    }

    private static EmbeddedChannel channel(ArrayDeque<HttpMethod> methods) {
        return new EmbeddedChannel(new RequestDecoder(MAX_LINE, MAX_FIELDS, MAX_PIECE, () -> { }, methods));
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    /** Feeds the reads and describes what came out, body pieces joined. */
    private static String decode(List<String> reads) {
        EmbeddedChannel channel = channel(new ArrayDeque<>());
        StringBuilder out = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (String read : reads) {
            channel.writeInbound(bytes(read));
            Object msg;
            while ((msg = channel.readInbound()) != null) {
                describe(msg, out, body);
            }
        }
        channel.finishAndReleaseAll();
        return out.toString();
    }

    private static void describe(Object msg, StringBuilder out, StringBuilder body) {
        if (msg instanceof RequestHead) {
            RequestHead head = (RequestHead) msg;
            if (head.rejection() != 0) {
                out.append("refused ").append(head.rejection()).append('\n');
                return;
            }
            out.append(head.method()).append(' ').append(head.target()).append(' ')
                    .append(head.majorVersion()).append('.').append(head.minorVersion())
                    .append(" host=").append(head.host()).append(" fields=[");
            RequestFields fields = head.fields();
            for (int i = 0; i < fields.count(); i++) {
                byte[] b = fields.bytes();
                out.append(i == 0 ? "" : ", ")
                        .append(new String(b, fields.nameStart(i), fields.nameEnd(i) - fields.nameStart(i), StandardCharsets.ISO_8859_1))
                        .append('=').append(fields.value(i));
            }
            out.append(']');
            if (head.contentLength >= 0) {
                out.append(" length=").append(head.contentLength);
            }
            if (head.chunked()) {
                out.append(" chunked");
            }
            if (head.minorVersion() == 0 && head.keepAlive()) {
                out.append(" keep-alive");
            }
            out.append('\n');
            return;
        }
        HttpContent content = (HttpContent) msg;
        try {
            if (content.decoderResult().isFailure()) {
                out.append("failed ").append(RequestValidator.statusFor(content.decoderResult().cause())).append('\n');
                return;
            }
            assertThat(content.content().readableBytes()).isLessThanOrEqualTo(MAX_PIECE);
            body.append(content.content().toString(StandardCharsets.ISO_8859_1));
            if (content instanceof LastHttpContent) {
                if (body.length() > 0) {
                    out.append("body ").append(body).append('\n');
                    body.setLength(0);
                }
                out.append("end");
                LastHttpContent last = (LastHttpContent) content;
                if (!last.trailingHeaders().isEmpty()) {
                    out.append(" trailers=[");
                    boolean first = true;
                    for (Map.Entry<String, String> e : last.trailingHeaders()) {
                        out.append(first ? "" : ", ").append(e.getKey()).append('=').append(e.getValue());
                        first = false;
                    }
                    out.append(']');
                }
                out.append('\n');
            }
        } finally {
            content.release();
        }
    }
}
