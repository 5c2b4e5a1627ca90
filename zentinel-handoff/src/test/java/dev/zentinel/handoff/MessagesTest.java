package dev.zentinel.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The control messages' JSON, written and read field by field. */
class MessagesTest {

    @Test
    void everyPayloadReadsBackAsWritten() throws Exception {
        Messages.Hello hello = new Messages.Hello(42, "0.1.0", List.of(1), List.of(1, 2));
        assertThat(Messages.readHello(Messages.frame(1, MessageType.HELLO, hello))).isEqualTo(hello);

        Messages.Offer offer = new Messages.Offer(1, 2, 7_000_000_000L, 43,
                List.of(new ListenerEntry("http", "127.0.0.1:80"), new ListenerEntry("v6", "[::1]:443")));
        assertThat(Messages.readOffer(Messages.frame(1, MessageType.OFFER, offer))).isEqualTo(offer);

        assertThat(Messages.readCount(Messages.frame(1, MessageType.SEND_FDS, new Messages.Count(3))).count()).isEqualTo(3);

        Messages.Ready ready = new Messages.Ready(44, "0.2.0", 27_166);
        assertThat(Messages.readReady(Messages.frame(1, MessageType.READY, ready))).isEqualTo(ready);

        assertThat(Messages.readReason(Messages.frame(1, MessageType.FAILED, new Messages.Reason("no")))).isEqualTo("no");
        assertThat(json(Messages.frame(1, MessageType.READY_ACK, new Messages.Empty()))).isEqualTo("{}");
    }

    @Test
    void theWireFormatIsTheProtocolV1One() {
        Messages.Hello hello = new Messages.Hello(42, "0.1.0", List.of(1), List.of(1, 2));
        assertThat(json(Messages.frame(1, MessageType.HELLO, hello)))
                .isEqualTo("{\"pid\":42,\"version\":\"0.1.0\",\"protocolVersions\":[1],\"snapshotVersions\":[1,2]}");
        Messages.Offer offer = new Messages.Offer(1, 2, 3, 43, List.of(new ListenerEntry("http", "127.0.0.1:80")));
        assertThat(json(Messages.frame(1, MessageType.OFFER, offer))).isEqualTo("{\"protocolVersion\":1,"
                + "\"snapshotVersion\":2,\"generation\":3,\"pid\":43,\"listeners\":[{\"name\":\"http\",\"address\":\"127.0.0.1:80\"}]}");
    }

    @Test
    void unknownFieldsAreIgnored() throws Exception {
        assertThat(Messages.readReady(frame(MessageType.READY, "{\"pid\":1,\"version\":\"x\",\"startupMillis\":2,\"later\":[1]}")))
                .isEqualTo(new Messages.Ready(1, "x", 2));
    }

    @Test
    void aMissingOrMistypedFieldIsAProtocolError() {
        assertMalformed(frame(MessageType.READY, "{\"pid\":1,\"version\":\"x\"}"), "missing field 'startupMillis'");
        assertMalformed(frame(MessageType.READY, "{\"pid\":1,\"version\":\"x\",\"startupMillis\":null}"), "missing field");
        assertMalformed(frame(MessageType.READY, "{\"pid\":\"1\",\"version\":\"x\",\"startupMillis\":2}"), "'pid' is not an int");
        assertMalformed(frame(MessageType.READY, "{\"pid\":1.5,\"version\":\"x\",\"startupMillis\":2}"), "'pid' is not an int");
        assertMalformed(frame(MessageType.READY, "{\"pid\":4294967296,\"version\":\"x\",\"startupMillis\":2}"), "'pid' is not an int");
        assertMalformed(frame(MessageType.READY, "{\"pid\":1,\"version\":7,\"startupMillis\":2}"), "'version' is not a string");
        assertMalformed(frame(MessageType.HELLO, "{\"pid\":1,\"version\":\"x\",\"protocolVersions\":[1,\"2\"],"
                + "\"snapshotVersions\":[1]}"), "'protocolVersions' is not an array of ints");
        assertMalformed(frame(MessageType.HELLO, "{\"pid\":1,\"version\":\"x\",\"protocolVersions\":1,"
                + "\"snapshotVersions\":[1]}"), "'protocolVersions' is not an array");
        assertMalformed(frame(MessageType.OFFER, "{\"protocolVersion\":1,\"snapshotVersion\":2,\"generation\":3,\"pid\":4,"
                + "\"listeners\":[{\"name\":\"http\"}]}"), "missing field 'listeners[0].address'");
        assertMalformed(frame(MessageType.OFFER, "{\"protocolVersion\":1,\"snapshotVersion\":2,\"generation\":3,\"pid\":4,"
                + "\"listeners\":[7]}"), "listeners[0] is not a JSON object");
        assertMalformed(frame(MessageType.OFFER, "{\"protocolVersion\":1,\"snapshotVersion\":2,\"generation\":3,\"pid\":4,"
                + "\"listeners\":[{\"name\":\"\",\"address\":\"a:1\"}]}"), "listener name must be");
        assertMalformed(frame(MessageType.READY, "[1,2]"), "payload is not a JSON object");
        assertMalformed(frame(MessageType.READY, "{\"pid\":1,"), "malformed READY payload");
    }

    @Test
    void anEmptyPayloadIsAProtocolError() {
        assertThatThrownBy(() -> Messages.readReady(frame(MessageType.READY, "")))
                .isInstanceOf(HandoffProtocolException.class).hasMessageContaining("payload is empty");
        assertThatThrownBy(() -> Messages.readReady(frame(MessageType.READY, "null")))
                .isInstanceOf(HandoffProtocolException.class).hasMessageContaining("payload is empty");
    }

    private static void assertMalformed(Frame frame, String why) {
        assertThatThrownBy(() -> {
            switch (frame.type()) {
                case HELLO -> Messages.readHello(frame);
                case OFFER -> Messages.readOffer(frame);
                default -> Messages.readReady(frame);
            }
        }).isInstanceOf(HandoffProtocolException.class).hasMessageContaining("malformed " + frame.type())
                .hasMessageContaining(why);
    }

    private static Frame frame(MessageType type, String json) {
        return new Frame(1, type, json.getBytes(StandardCharsets.UTF_8));
    }

    private static String json(Frame frame) {
        return new String(frame.payload(), StandardCharsets.UTF_8);
    }
}
