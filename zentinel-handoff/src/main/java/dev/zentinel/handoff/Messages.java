package dev.zentinel.handoff;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * JSON payloads of the control messages. Unknown fields are ignored (a newer peer may add
 * optional ones); every field of a protocol v1 payload is required, and a missing or malformed
 * one is a protocol error. (A field added by a later version must be read as optional.)
 *
 * <p>Written and read through Jackson's tree model, field by field, not by data binding: binding
 * records costs a fresh JVM ~150 ms of CPU the first time (introspection of each record, its
 * creator and its properties, in interpreted code), and both sides of a hand-over pay it once,
 * the predecessor on the core it serves from, the successor before READY. The tree model is
 * already loaded and compiled for the configuration and the control protocol.
 */
final class Messages {

    /** Immutable after construction and thread-safe: shared by all connections. */
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** A payload that can write itself as a JSON object. */
    sealed interface Payload permits Hello, Offer, Reason, Count, Ready, Empty {
        void writeTo(ObjectNode node);
    }

    record Hello(int pid, String version, List<Integer> protocolVersions, List<Integer> snapshotVersions)
            implements Payload {
        @Override
        public void writeTo(ObjectNode node) {
            node.put("pid", pid).put("version", version);
            protocolVersions.forEach(node.putArray("protocolVersions")::add);
            snapshotVersions.forEach(node.putArray("snapshotVersions")::add);
        }

        static Hello from(Fields in) {
            return new Hello(in.integer("pid"), in.text("version"), in.integers("protocolVersions"),
                    in.integers("snapshotVersions"));
        }
    }

    record Offer(int protocolVersion, int snapshotVersion, long generation, int pid, List<ListenerEntry> listeners)
            implements Payload {
        @Override
        public void writeTo(ObjectNode node) {
            node.put("protocolVersion", protocolVersion).put("snapshotVersion", snapshotVersion)
                    .put("generation", generation).put("pid", pid);
            ArrayNode table = node.putArray("listeners");
            listeners.forEach(l -> table.addObject().put("name", l.name()).put("address", l.address()));
        }

        static Offer from(Fields in) {
            List<ListenerEntry> listeners = new ArrayList<>();
            for (Fields entry : in.objects("listeners")) {
                listeners.add(new ListenerEntry(entry.text("name"), entry.text("address")));
            }
            return new Offer(in.integer("protocolVersion"), in.integer("snapshotVersion"), in.longInteger("generation"),
                    in.integer("pid"), listeners);
        }
    }

    record Reason(String reason) implements Payload {
        @Override
        public void writeTo(ObjectNode node) {
            node.put("reason", reason);
        }

        static Reason from(Fields in) {
            return new Reason(in.text("reason"));
        }
    }

    record Count(int count) implements Payload {
        @Override
        public void writeTo(ObjectNode node) {
            node.put("count", count);
        }

        static Count from(Fields in) {
            return new Count(in.integer("count"));
        }
    }

    record Ready(int pid, String version, long startupMillis) implements Payload {
        @Override
        public void writeTo(ObjectNode node) {
            node.put("pid", pid).put("version", version).put("startupMillis", startupMillis);
        }

        static Ready from(Fields in) {
            return new Ready(in.integer("pid"), in.text("version"), in.longInteger("startupMillis"));
        }
    }

    record Empty() implements Payload {
        @Override
        public void writeTo(ObjectNode node) {
        }
    }

    private Messages() {
    }

    static Frame frame(int version, MessageType type, Payload payload) {
        ObjectNode node = JSON.createObjectNode();
        payload.writeTo(node);
        try {
            return new Frame(version, type, JSON.writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + type, e);
        }
    }

    static Hello readHello(Frame frame) throws HandoffProtocolException {
        return read(frame, Hello::from);
    }

    static Offer readOffer(Frame frame) throws HandoffProtocolException {
        return read(frame, Offer::from);
    }

    static Count readCount(Frame frame) throws HandoffProtocolException {
        return read(frame, Count::from);
    }

    static Ready readReady(Frame frame) throws HandoffProtocolException {
        return read(frame, Ready::from);
    }

    static String readReason(Frame frame) throws HandoffProtocolException {
        return Protocol.boundedReason(read(frame, Reason::from).reason());
    }

    private static <T> T read(Frame frame, Function<Fields, T> decode) throws HandoffProtocolException {
        JsonNode root;
        try {
            root = JSON.readTree(frame.payload());
        } catch (IOException e) {
            throw new HandoffProtocolException("malformed " + frame.type() + " payload: " + firstLine(e.getMessage()), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new HandoffProtocolException(frame.type() + " payload is empty");
        }
        try {
            return decode.apply(new Fields(root, ""));
        } catch (IllegalArgumentException e) {
            throw new HandoffProtocolException("malformed " + frame.type() + " payload: " + firstLine(e.getMessage()), e);
        }
    }

    /** The fields of one JSON object; a missing field or one of the wrong type is an IllegalArgumentException. */
    record Fields(JsonNode node, String path) {

        Fields {
            if (!node.isObject()) {
                throw new IllegalArgumentException((path.isEmpty() ? "payload" : path) + " is not a JSON object");
            }
        }

        int integer(String name) {
            JsonNode value = required(name);
            if (!isInt(value)) {
                throw wrongType(name, "an int");
            }
            return value.intValue();
        }

        long longInteger(String name) {
            JsonNode value = required(name);
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                throw wrongType(name, "a long");
            }
            return value.longValue();
        }

        String text(String name) {
            JsonNode value = required(name);
            if (!value.isTextual()) {
                throw wrongType(name, "a string");
            }
            return value.textValue();
        }

        List<Integer> integers(String name) {
            JsonNode array = array(name);
            List<Integer> values = new ArrayList<>(array.size());
            for (JsonNode value : array) {
                if (!isInt(value)) {
                    throw wrongType(name, "an array of ints");
                }
                values.add(value.intValue());
            }
            return List.copyOf(values);
        }

        List<Fields> objects(String name) {
            JsonNode array = array(name);
            List<Fields> values = new ArrayList<>(array.size());
            for (int i = 0; i < array.size(); i++) {
                values.add(new Fields(array.get(i), field(name) + "[" + i + "]"));
            }
            return values;
        }

        private static boolean isInt(JsonNode value) {
            return value.isIntegralNumber() && value.canConvertToInt();
        }

        private JsonNode array(String name) {
            JsonNode value = required(name);
            if (!value.isArray()) {
                throw wrongType(name, "an array");
            }
            return value;
        }

        private JsonNode required(String name) {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                throw new IllegalArgumentException("missing field '" + field(name) + "'");
            }
            return value;
        }

        private IllegalArgumentException wrongType(String name, String expected) {
            return new IllegalArgumentException("field '" + field(name) + "' is not " + expected);
        }

        private String field(String name) {
            return path.isEmpty() ? name : path + "." + name;
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
