package dev.zentinel.proxy.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FieldNamesTest {

    @ParameterizedTest
    @CsvSource({
        "Host, 1", "content-length, 2", "Transfer-Encoding, 3", "CONNECTION, 4",
        "Keep-Alive, 5", "Proxy-Connection, 5", "TE, 5", "Trailer, 5", "upgrade, 5",
        "Expect, 6", "X-Forwarded-For, 7", "x-forwarded-proto, 8", "X-Forwarded-Host, 9", "Via, 10",
        "Hosts, 0", "Conection, 0", "Content-Type, 0", "X, 0", "X-Forwarded-Proto-Extra, 0", "Vía, 0"})
    void classifiesNamesInAnyLetterCaseFromArraysAndBuffers(String name, byte kind) {
        byte[] bytes = (">>" + name + "<<").getBytes(StandardCharsets.ISO_8859_1);
        int start = 2;
        int end = bytes.length - 2;
        assertThat(FieldNames.classify(bytes, start, end)).isEqualTo(kind);
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        assertThat(FieldNames.classify(buf, start, end)).isEqualTo(kind);
    }

    @ParameterizedTest
    @CsvSource({"1, 0", "2, 2", "3, 3", "4, 4", "5, 5", "6, 0", "7, 0", "8, 0", "9, 0", "10, 0", "0, 0"})
    void aResponseKeepsOnlyFramingConnectionAndHopByHopKinds(byte kind, byte inResponse) {
        assertThat(FieldNames.inResponse(kind)).isEqualTo(inResponse);
    }

    @ParameterizedTest
    @CsvSource({"1, true", "2, true", "3, true", "4, false", "5, false", "6, false", "0, false"})
    void hostAndFramingFieldsAreProtected(byte kind, boolean protectedKind) {
        assertThat(FieldNames.isProtected(kind)).isEqualTo(protectedKind);
    }
}
