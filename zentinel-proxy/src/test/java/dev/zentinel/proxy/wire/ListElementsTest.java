package dev.zentinel.proxy.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ListElementsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "close|close",
        "  keep-alive ,\tUpgrade|keep-alive;Upgrade",
        ",, a ,,b,|a;b",
        "a b , c|a b;c",
        "' ,\t, '|''",
        "''|''",
        "gzip,chunked|gzip;chunked"})
    void walksNonEmptyElementsWithoutSurroundingWhitespace(String value, String expected) {
        List<String> wanted = expected.isEmpty() ? List.of() : List.of(expected.split(";"));
        byte[] bytes = ("[" + value + "]").getBytes(StandardCharsets.ISO_8859_1);
        int end = bytes.length - 1;
        List<String> fromArray = new ArrayList<>();
        for (long e = ListElements.next(bytes, 1, end); e != ListElements.NONE; e = ListElements.next(bytes, ListElements.end(e), end)) {
            fromArray.add(new String(bytes, ListElements.start(e), ListElements.end(e) - ListElements.start(e), StandardCharsets.ISO_8859_1));
        }
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        List<String> fromBuffer = new ArrayList<>();
        for (long e = ListElements.next(buf, 1, end); e != ListElements.NONE; e = ListElements.next(buf, ListElements.end(e), end)) {
            fromBuffer.add(buf.toString(ListElements.start(e), ListElements.end(e) - ListElements.start(e), StandardCharsets.ISO_8859_1));
        }
        assertThat(fromArray).isEqualTo(wanted);
        assertThat(fromBuffer).isEqualTo(wanted);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "close|close|true", "Keep-Alive, CLOSE|close|true", "closed|close|false", "xclose, keep|close|false",
        "' close '|close|true", "''|close|false"})
    void findsAnElementInAnyLetterCase(String value, String lower, boolean found) {
        byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
        assertThat(ListElements.contains(bytes, 0, bytes.length, lower)).isEqualTo(found);
    }
}
