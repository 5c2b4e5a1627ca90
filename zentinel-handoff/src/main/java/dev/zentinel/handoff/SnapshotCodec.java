package dev.zentinel.handoff;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Versioned encoding of {@link StateSnapshot}. The new process says which versions it reads; the
 * old writes the newest common one, so downgrades work. Every version ever released stays
 * readable; unknown fields are ignored; output is deterministic (keys sorted) so golden files
 * catch accidental format changes.
 *
 * <ul>
 *   <li>v1: {@code {"format":1,"generation":N,"counters":{name:number}}}</li>
 *   <li>v2: v1 plus {@code "sections":{name:string}} (opaque per-feature state)</li>
 * </ul>
 */
public final class SnapshotCodec {

    public static final List<Integer> READABLE_VERSIONS = List.of(1, 2);
    public static final int NEWEST_VERSION = 2;
    /** Default bound of {@link #decode(byte[], int)}; the handoff itself is bounded tighter by its frame limit. */
    public static final int DEFAULT_MAX_SNAPSHOT_BYTES = 16 << 20;

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build())
                    .build())
            .build();

    private SnapshotCodec() {
    }

    public static byte[] encode(StateSnapshot s, int version) {
        if (!READABLE_VERSIONS.contains(version)) {
            throw new IllegalArgumentException("unknown snapshot version " + version + "; known: " + READABLE_VERSIONS);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.getFactory().createGenerator(bytes)) {
            g.writeStartObject();
            g.writeNumberField("format", version);
            g.writeNumberField("generation", s.generation());
            g.writeObjectFieldStart("counters");
            for (Map.Entry<String, Double> c : s.counters().entrySet()) {
                g.writeNumberField(c.getKey(), c.getValue());
            }
            g.writeEndObject();
            if (version >= 2) {
                g.writeObjectFieldStart("sections");
                for (Map.Entry<String, String> e : s.sections().entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    public static StateSnapshot decode(byte[] data, int version) throws HandoffException {
        return decode(data, version, DEFAULT_MAX_SNAPSHOT_BYTES);
    }

    public static StateSnapshot decode(byte[] data, int version, int maxBytes) throws HandoffException {
        if (!READABLE_VERSIONS.contains(version)) {
            throw new HandoffException("cannot read snapshot version " + version + "; this build reads " + READABLE_VERSIONS);
        }
        if (data == null) {
            throw new HandoffException("snapshot v" + version + " is missing");
        }
        if (data.length > maxBytes) {
            throw new HandoffException("snapshot v" + version + " of " + data.length + " bytes exceeds the limit of " + maxBytes + " bytes");
        }
        JsonNode root;
        try (JsonParser p = JSON.createParser(data)) {
            root = JSON.readTree(p);
            if (p.nextToken() != null) {
                throw new HandoffException("snapshot v" + version + " has trailing data after the JSON object");
            }
        } catch (IOException e) {
            throw new HandoffException("snapshot v" + version + " is not valid JSON: " + firstLine(e.getMessage()), e);
        }
        if (!(root instanceof ObjectNode obj)) {
            throw new HandoffException("snapshot v" + version + " must be a JSON object");
        }
        JsonNode format = obj.get("format");
        if (format != null && (!format.canConvertToExactIntegral() || format.asInt() != version)) {
            throw new HandoffException("snapshot labelled v" + version + " says it is format " + format);
        }
        JsonNode generation = obj.get("generation");
        if (generation == null || !generation.isIntegralNumber() || !generation.canConvertToLong() || generation.asLong() < 0) {
            throw new HandoffException("snapshot v" + version + ": 'generation' must be a non-negative integer, got " + generation);
        }
        Map<String, Double> counters = readCounters(obj.get("counters"), version);
        Map<String, String> sections = version >= 2 ? readSections(obj.get("sections"), version) : Map.of();
        try {
            return new StateSnapshot(generation.asLong(), counters, sections);
        } catch (IllegalArgumentException e) {
            throw new HandoffException("snapshot v" + version + ": " + e.getMessage(), e);
        }
    }

    public static int newestCommon(Collection<Integer> peerReadable) throws HandoffException {
        if (peerReadable == null) {
            throw new HandoffException("the peer listed no snapshot versions");
        }
        OptionalInt common = Protocol.newestCommon(READABLE_VERSIONS, peerReadable);
        if (common.isEmpty()) {
            throw new HandoffException("no common snapshot version: peer reads " + peerReadable + ", this build writes " + READABLE_VERSIONS);
        }
        return common.getAsInt();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static Map<String, Double> readCounters(JsonNode node, int version) throws HandoffException {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new HandoffException("snapshot v" + version + ": 'counters' must be an object");
        }
        Map<String, Double> counters = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNumber()) {
                throw new HandoffException("snapshot v" + version + ": counter '" + e.getKey() + "' is not a number");
            }
            counters.put(e.getKey(), e.getValue().asDouble());
        }
        return counters;
    }

    private static Map<String, String> readSections(JsonNode node, int version) throws HandoffException {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new HandoffException("snapshot v" + version + ": 'sections' must be an object");
        }
        Map<String, String> sections = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new HandoffException("snapshot v" + version + ": section '" + e.getKey() + "' is not a string");
            }
            sections.put(e.getKey(), e.getValue().textValue());
        }
        return sections;
    }
}
