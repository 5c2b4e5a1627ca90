package dev.zentinel.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

class RawMessageReaderTest {

    private final List<RawMessageReader.Head> ended = new ArrayList<>();

    private static final ToLongFunction<RawMessageReader.Head> LENGTH_OR_CLOSE =
            h -> h.contentLength() >= 0 ? h.contentLength() : RawMessageReader.UNTIL_CLOSE;

    private void feed(RawMessageReader reader, String text, int pieceSize) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < bytes.length; i += pieceSize) {
            ByteBuf piece = Unpooled.wrappedBuffer(bytes, i, Math.min(pieceSize, bytes.length - i));
            reader.read(piece, ended::add);
            assertThat(piece.isReadable()).as("every byte consumed").isFalse();
        }
    }

    @Test
    void findsEachMessagesEndWhateverTheReadsLookLike() {
        String two = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello"
                + "HTTP/1.1 404 Not Found\r\ncontent-length:  0 \r\nConnection: keep-alive, Close\r\n\r\n";
        for (int pieceSize : new int[] {1, 2, 3, 7, 50, 10_000}) {
            ended.clear();
            RawMessageReader reader = new RawMessageReader(1024, LENGTH_OR_CLOSE);
            feed(reader, two, pieceSize);
            assertThat(ended).as("pieces of %d", pieceSize).hasSize(2);
            assertThat(ended.get(0)).isEqualTo(new RawMessageReader.Head("HTTP/1.1", 200, 5, false, false));
            assertThat(ended.get(1)).isEqualTo(new RawMessageReader.Head("HTTP/1.1", 404, 0, true, false));
            assertThat(reader.closed(ended::add)).as("stopped between messages").isTrue();
        }
    }

    @Test
    void aMessageEndsBeforeItsBodyIsReadOnlyWhenTheRuleSaysNoBody() {
        RawMessageReader reader = new RawMessageReader(1024, h -> h.isHeadRequest() ? 0 : Math.max(0, h.contentLength()));
        feed(reader, "HEAD /x HTTP/1.1\r\nContent-Length: 99\r\n\r\nPOST /u HTTP/1.1\r\nContent-Length: 3\r\n\r\nab", 4);
        assertThat(ended).extracting(RawMessageReader.Head::firstToken).containsExactly("HEAD");
        feed(reader, "c", 1);
        assertThat(ended).extracting(RawMessageReader.Head::firstToken).containsExactly("HEAD", "POST");
    }

    @Test
    void aBodyWithoutLengthEndsWithTheConnection() {
        RawMessageReader reader = new RawMessageReader(1024, LENGTH_OR_CLOSE);
        feed(reader, "HTTP/1.1 200 OK\r\nServer: x\r\n\r\nsome body bytes", 5);
        assertThat(ended).isEmpty();
        assertThat(reader.closed(ended::add)).isTrue();
        assertThat(ended).hasSize(1);
    }

    @Test
    void aCloseInTheMiddleOfAMessageIsACutOff() {
        RawMessageReader inHead = new RawMessageReader(1024, LENGTH_OR_CLOSE);
        feed(inHead, "HTTP/1.1 200 OK\r\nContent-Le", 5);
        assertThat(inHead.closed(ended::add)).isFalse();
        RawMessageReader inBody = new RawMessageReader(1024, LENGTH_OR_CLOSE);
        feed(inBody, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 5);
        assertThat(inBody.closed(ended::add)).isFalse();
        assertThat(ended).isEmpty();
    }

    @Test
    void transferEncodingIsReportedForTheRuleToRefuse() {
        RawMessageReader reader = new RawMessageReader(1024, WarmUpOrigin::requestBody);
        assertThatThrownBy(() -> feed(reader, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 100))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Transfer-Encoding");
    }

    @Test
    void badInputGetsAClearError() {
        assertThatThrownBy(() -> feed(new RawMessageReader(64, LENGTH_OR_CLOSE), "HTTP/1.1 200 OK\r\n" + "X: y\r\n".repeat(20), 8))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("longer than 64 bytes");
        assertThatThrownBy(() -> feed(new RawMessageReader(1024, LENGTH_OR_CLOSE), "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", 100))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("bad Content-Length");
        assertThatThrownBy(() -> feed(new RawMessageReader(1024, LENGTH_OR_CLOSE), "HTTP/1.1 2x0 OK\r\n\r\n", 100))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("malformed status line");
        assertThatThrownBy(() -> feed(new RawMessageReader(1024, LENGTH_OR_CLOSE), "HTTP/1.1 200 OK\r\nno colon\r\n\r\n", 100))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("malformed header line");
        assertThatThrownBy(() -> new RawMessageReader(8, LENGTH_OR_CLOSE)).isInstanceOf(IllegalArgumentException.class);
    }
}
