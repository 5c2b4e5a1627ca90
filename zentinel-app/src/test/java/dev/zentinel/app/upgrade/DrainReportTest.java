package dev.zentinel.app.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zentinel.proxy.server.DrainResult;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DrainReportTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final Instant at = Instant.parse("2026-01-02T03:04:05.678Z");

    private ObjectNode valid() {
        return new DrainReport(3, 4711, 12, 2, Duration.ofMillis(30_004), at).toArguments(mapper.createObjectNode());
    }

    @Test
    void travelsAsCommandArguments() throws Exception {
        ObjectNode arguments = valid();

        assertThat(arguments.toString()).isEqualTo("{\"generation\":3,\"pid\":4711,\"finished\":12,\"forceClosed\":2,"
                + "\"durationMillis\":30004,\"at\":\"2026-01-02T03:04:05.678Z\"}");
        assertThat(DrainReport.fromArguments(arguments))
                .isEqualTo(new DrainReport(3, 4711, 12, 2, Duration.ofMillis(30_004), at));
    }

    @Test
    void isMadeFromTheProxysDrainResult() {
        DrainReport report = DrainReport.of(2, 99, new DrainResult(5, 1, Duration.ofSeconds(3)), at);

        assertThat(report).isEqualTo(new DrainReport(2, 99, 5, 1, Duration.ofSeconds(3), at));
        assertThat(report.summary()).isEqualTo(
                "generation 2 (pid 99) drained in 3000 ms: 5 connection(s) finished, 1 force-closed");
    }

    @Test
    void unknownFieldsAreIgnored() throws Exception {
        ObjectNode arguments = valid().put("fromTheFuture", true);

        assertThat(DrainReport.fromArguments(arguments).forceClosed()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "generation     | 0               | \"generation\" is 0, outside 1..",
        "pid            | -1              | \"pid\" is -1, outside 1..",
        "finished       | -3              | \"finished\" is -3, outside 0..2147483647",
        "forceClosed    | 99999999999     | \"forceClosed\" is 99999999999, outside 0..2147483647",
        "durationMillis | 999999999999999 | \"durationMillis\" is 999999999999999, outside 0..604800000",
        "forceClosed    | 1.5             | \"forceClosed\" must be a whole number",
        "finished       | '\"7\"'         | \"finished\" must be a whole number",
        "pid            | null            | \"pid\" must be a whole number",
        "at             | '\"yesterday\"' | \"at\" is not an ISO-8601 instant: yesterday",
        "at             | 5               | \"at\" must be an ISO-8601 instant",
    })
    void malformedFieldsAreNamed(String field, String json, String message) throws Exception {
        ObjectNode arguments = valid();
        arguments.set(field, mapper.readTree(json));

        assertThatThrownBy(() -> DrainReport.fromArguments(arguments))
                .isInstanceOf(DrainReportRejectedException.class)
                .hasMessageStartingWith("malformed: ")
                .hasMessageContaining(message);
    }

    @Test
    void missingFieldsAreNamed() {
        for (String field : new String[] {"generation", "pid", "finished", "forceClosed", "durationMillis", "at"}) {
            ObjectNode arguments = valid();
            arguments.remove(field);

            assertThatThrownBy(() -> DrainReport.fromArguments(arguments))
                    .as(field)
                    .isInstanceOf(DrainReportRejectedException.class)
                    .hasMessageContaining("\"" + field + "\"");
        }
    }
}
