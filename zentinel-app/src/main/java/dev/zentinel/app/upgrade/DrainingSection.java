package dev.zentinel.app.upgrade;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The snapshot section that carries which generations are still draining, so the bound on
 * draining generations holds across a chain of upgrades. JSON array of {pid, generation, since}.
 */
public final class DrainingSection {

    public static final String NAME = "draining";
    private static final int MAX_ENTRIES = 64;

    private DrainingSection() {
    }

    public static String encode(ObjectMapper mapper, List<Predecessor.Draining> entries) {
        ArrayNode array = mapper.createArrayNode();
        for (Predecessor.Draining d : entries) {
            array.addObject().put("pid", d.pid()).put("generation", d.generation()).put("since", d.since().toString());
        }
        return array.toString();
    }

    /** Unreadable or absent input yields an empty list: this is advisory state, never a reason to fail. */
    public static List<Predecessor.Draining> decode(ObjectMapper mapper, String json) {
        List<Predecessor.Draining> entries = new ArrayList<>();
        if (json == null) {
            return entries;
        }
        try {
            JsonNode array = mapper.readTree(json);
            for (JsonNode d : array) {
                if (entries.size() >= MAX_ENTRIES) {
                    break;
                }
                long pid = d.path("pid").asLong(-1);
                if (pid > 0) {
                    entries.add(new Predecessor.Draining(pid, d.path("generation").asLong(0),
                            parseInstant(d.path("since").asText(null))));
                }
            }
        } catch (JsonProcessingException | RuntimeException e) {
            return List.of();
        }
        return entries;
    }

    private static Instant parseInstant(String text) {
        try {
            return text == null ? Instant.now() : Instant.parse(text);
        } catch (RuntimeException e) {
            return Instant.now();
        }
    }
}
