package dev.zentinel.handoff;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.List;

/**
 * JSON payloads of the control messages. Unknown fields are ignored (a newer peer may add
 * optional ones); every field of a protocol v1 payload is required, and a missing or malformed
 * one is a protocol error. (A field added by a later version must be read as optional.)
 */
final class Messages {

    /** Immutable after construction and thread-safe: shared by all connections. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .build();

    record Hello(int pid, String version, List<Integer> protocolVersions, List<Integer> snapshotVersions) {
    }

    record Offer(int protocolVersion, int snapshotVersion, long generation, int pid, List<ListenerEntry> listeners) {
    }

    record Reason(String reason) {
    }

    record Count(int count) {
    }

    record Ready(int pid, String version, long startupMillis) {
    }

    record Empty() {
    }

    private Messages() {
    }

    static Frame frame(int version, MessageType type, Object payload) {
        try {
            return new Frame(version, type, JSON.writeValueAsBytes(payload));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + type, e);
        }
    }

    static <T> T read(Frame frame, Class<T> type) throws HandoffProtocolException {
        try {
            T value = JSON.readValue(frame.payload(), type);
            if (value == null) {
                throw new HandoffProtocolException(frame.type() + " payload is empty");
            }
            return value;
        } catch (IOException | IllegalArgumentException e) {
            throw new HandoffProtocolException("malformed " + frame.type() + " payload: " + firstLine(e.getMessage()), e);
        }
    }

    static String readReason(Frame frame) throws HandoffProtocolException {
        return Protocol.boundedReason(read(frame, Reason.class).reason());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
