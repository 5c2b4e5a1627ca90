package dev.zentinel.app.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrainReportsSectionTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void roundTripsNewestFirst() {
        List<DrainReport> reports = List.of(
                new DrainReport(2, 20, 3, 1, Duration.ofMillis(900), Instant.parse("2026-01-01T00:00:02Z")),
                new DrainReport(1, 10, 5, 0, Duration.ofMillis(100), Instant.parse("2026-01-01T00:00:01Z")));

        assertThat(DrainReportsSection.decode(mapper, DrainReportsSection.encode(mapper, reports)))
                .isEqualTo(reports);
    }

    @Test
    void unreadableInputIsEmptyAndUnreadableEntriesAreSkipped() {
        assertThat(DrainReportsSection.decode(mapper, null)).isEmpty();
        assertThat(DrainReportsSection.decode(mapper, "not json")).isEmpty();
        assertThat(DrainReportsSection.decode(mapper, "[{\"pid\":1}, 7, {\"generation\":1,\"pid\":2,\"finished\":0,"
                + "\"forceClosed\":0,\"durationMillis\":5,\"at\":\"2026-01-01T00:00:00Z\"}]"))
                .extracting(DrainReport::pid).containsExactly(2L);
    }
}
