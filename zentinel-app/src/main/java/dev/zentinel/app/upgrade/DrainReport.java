package dev.zentinel.app.upgrade;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zentinel.proxy.server.DrainResult;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * What an old generation tells the serving one when its drain after an upgrade is over: how many
 * connections finished on their own and how many the drain timeout cut. It travels as the
 * arguments of the {@value #COMMAND} control command:
 * <pre>
 * {"generation":1,"pid":4711,"finished":12,"forceClosed":1,"durationMillis":30004,"at":"2026-01-01T00:00:00Z"}
 * </pre>
 *
 * @param generation the drained generation
 * @param pid        the drained process (the receiver checks it against the connection's peer)
 * @param finished   connections that ended on their own (or were closed while idle)
 * @param forceClosed connections still busy at the drain timeout and closed by force
 * @param took       from the start of the drain to its end
 * @param at         when the drain ended
 */
public record DrainReport(long generation, long pid, long finished, long forceClosed, Duration took, Instant at) {

    /** The control command that carries a report. */
    public static final String COMMAND = "drain-report";

    /** Larger counts than any listener limit allows are not a drain anybody had; they are refused. */
    static final long MAX_CONNECTIONS = Integer.MAX_VALUE;
    /** A drain is bounded by upgrade.drain-timeout; a week is far beyond any sane setting. */
    static final Duration MAX_DURATION = Duration.ofDays(7);

    public static DrainReport of(long generation, long pid, DrainResult result, Instant at) {
        return new DrainReport(generation, pid, result.closedGracefully(), result.forceClosed(), result.took(), at);
    }

    public ObjectNode toArguments(ObjectNode into) {
        return into.put("generation", generation)
                .put("pid", pid)
                .put("finished", finished)
                .put("forceClosed", forceClosed)
                .put("durationMillis", took.toMillis())
                .put("at", at.toString());
    }

    /**
     * Reads a report from the command's arguments; unknown fields are ignored (newer senders).
     *
     * @throws DrainReportRejectedException naming the first field that is missing or out of range
     */
    public static DrainReport fromArguments(ObjectNode arguments) throws DrainReportRejectedException {
        long generation = whole(arguments, "generation", 1, Long.MAX_VALUE);
        long pid = whole(arguments, "pid", 1, Long.MAX_VALUE);
        long finished = whole(arguments, "finished", 0, MAX_CONNECTIONS);
        long forceClosed = whole(arguments, "forceClosed", 0, MAX_CONNECTIONS);
        long millis = whole(arguments, "durationMillis", 0, MAX_DURATION.toMillis());
        JsonNode at = arguments.get("at");
        if (at == null || !at.isTextual()) {
            throw new DrainReportRejectedException("malformed: \"at\" must be an ISO-8601 instant");
        }
        Instant when;
        try {
            when = Instant.parse(at.textValue());
        } catch (DateTimeParseException e) {
            throw new DrainReportRejectedException("malformed: \"at\" is not an ISO-8601 instant: "
                    + abbreviate(at.textValue()));
        }
        return new DrainReport(generation, pid, finished, forceClosed, Duration.ofMillis(millis), when);
    }

    /** The operator's one-line view. */
    public String summary() {
        return "generation " + generation + " (pid " + pid + ") drained in " + took.toMillis() + " ms: " + finished
                + " connection(s) finished, " + forceClosed + " force-closed";
    }

    private static long whole(ObjectNode arguments, String field, long min, long max)
            throws DrainReportRejectedException {
        JsonNode value = arguments.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new DrainReportRejectedException("malformed: \"" + field + "\" must be a whole number");
        }
        long v = value.longValue();
        if (v < min || v > max) {
            throw new DrainReportRejectedException("malformed: \"" + field + "\" is " + v + ", outside " + min + ".."
                    + max);
        }
        return v;
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
