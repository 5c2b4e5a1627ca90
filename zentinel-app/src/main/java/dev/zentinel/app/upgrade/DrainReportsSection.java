package dev.zentinel.app.upgrade;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The snapshot section that carries the latest drain reports to the successor, so {@code status}
 * keeps showing them across upgrades (their figures travel in the counters). JSON array of report
 * objects in the {@link DrainReport#toArguments} shape, newest first.
 */
public final class DrainReportsSection {

    public static final String NAME = "drain-reports";
    private static final int MAX_ENTRIES = 64;

    private DrainReportsSection() {
    }

    public static String encode(ObjectMapper mapper, List<DrainReport> reports) {
        ArrayNode array = mapper.createArrayNode();
        for (DrainReport report : reports) {
            report.toArguments(array.addObject());
        }
        return array.toString();
    }

    /** Unreadable entries are skipped and unreadable input yields nothing: this is history for display only. */
    public static List<DrainReport> decode(ObjectMapper mapper, String json) {
        List<DrainReport> reports = new ArrayList<>();
        if (json == null) {
            return reports;
        }
        try {
            for (JsonNode entry : mapper.readTree(json)) {
                if (reports.size() >= MAX_ENTRIES) {
                    break;
                }
                if (entry instanceof ObjectNode object) {
                    try {
                        reports.add(DrainReport.fromArguments(object));
                    } catch (DrainReportRejectedException e) {
                        // Skip the entry; the others are still worth showing.
                    }
                }
            }
        } catch (JsonProcessingException | RuntimeException e) {
            return List.of();
        }
        return reports;
    }
}
