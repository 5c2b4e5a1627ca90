package dev.zentinel.app.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zentinel.proxy.metrics.ProxyMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class DrainReportLedgerTest {

    private static final String FINISHED = "zentinel_drain_connections_total{outcome=\"finished\"}";
    private static final String FORCE_CLOSED = "zentinel_drain_connections_total{outcome=\"force_closed\"}";
    private static final String CLEAN_DRAINS = "zentinel_drains_total{outcome=\"clean\"}";
    private static final String FORCED_DRAINS = "zentinel_drains_total{outcome=\"force_closed\"}";

    private final ObjectMapper mapper = new ObjectMapper();
    private final ProxyMetrics metrics = new ProxyMetrics();
    private final List<Predecessor.Draining> draining = new CopyOnWriteArrayList<>(List.of(
            new Predecessor.Draining(101, 1, Instant.now()),
            new Predecessor.Draining(202, 2, Instant.now())));
    private final DrainReportLedger ledger = new DrainReportLedger(metrics, 3, () -> draining, 2);

    private ObjectNode report(long generation, long pid, long finished, long forceClosed) {
        return new DrainReport(generation, pid, finished, forceClosed, Duration.ofMillis(1500),
                Instant.parse("2026-01-01T00:00:00Z")).toArguments(mapper.createObjectNode());
    }

    private Map<String, Double> counters() {
        return metrics.exportCounters();
    }

    @Test
    void everySeriesExistsAtZeroBeforeTheFirstReport() {
        assertThat(counters()).containsEntry(FINISHED, 0.0).containsEntry(FORCE_CLOSED, 0.0)
                .containsEntry(CLEAN_DRAINS, 0.0).containsEntry(FORCED_DRAINS, 0.0);
        assertThat(metrics.scrape()).contains(FINISHED + " 0.0").contains(FORCE_CLOSED + " 0.0");
        assertThat(ledger.recent()).isEmpty();
    }

    @Test
    void reportsOfDrainingGenerationsAreCounted() throws Exception {
        DrainReport first = ledger.accept(report(2, 202, 7, 0), 202);
        DrainReport second = ledger.accept(report(1, 101, 3, 2), 101);

        assertThat(counters()).containsEntry(FINISHED, 10.0).containsEntry(FORCE_CLOSED, 2.0)
                .containsEntry(CLEAN_DRAINS, 1.0).containsEntry(FORCED_DRAINS, 1.0);
        assertThat(ledger.recent()).containsExactly(second, first);
    }

    @Test
    void recentKeepsOnlyTheNewest() throws Exception {
        draining.add(new Predecessor.Draining(303, 2, Instant.now()));
        ledger.accept(report(1, 101, 1, 0), 101);
        DrainReport b = ledger.accept(report(2, 202, 2, 0), 202);
        DrainReport c = ledger.accept(report(2, 303, 3, 0), 303);

        assertThat(ledger.recent()).containsExactly(c, b);
    }

    @Test
    void aReportForAnotherPidIsForeign() {
        assertRejected(report(1, 101, 5, 5), 999, "foreign: it names pid 101 but was sent by pid 999");
    }

    @Test
    void aGenerationNotOlderThanOursIsForeign() {
        draining.add(new Predecessor.Draining(404, 3, Instant.now()));
        assertRejected(report(3, 404, 5, 5), 404, "foreign: generation 3 is not older than this instance's generation 3");
    }

    @Test
    void aPidThatIsNotDrainingIsForeign() {
        assertRejected(report(1, 555, 5, 5), 555,
                "foreign: pid 555 is not an older generation draining after handing over to this instance");
    }

    @Test
    void aPidClaimingTheWrongGenerationIsForeign() {
        assertRejected(report(1, 202, 5, 5), 202, "foreign: pid 202 is generation 2, not 1");
    }

    @Test
    void aSecondReportFromTheSamePidIsADuplicate() throws Exception {
        ledger.accept(report(1, 101, 1, 1), 101);
        Map<String, Double> before = counters();

        assertThatThrownBy(() -> ledger.accept(report(1, 101, 1, 1), 101))
                .isInstanceOf(DrainReportRejectedException.class)
                .hasMessage("duplicate: pid 101 already reported its drain");
        assertThat(counters()).isEqualTo(before);
        assertThat(ledger.recent()).hasSize(1);
    }

    @Test
    void malformedReportsChangeNothing() {
        ObjectNode broken = report(1, 101, 1, 1);
        broken.put("forceClosed", -1);

        assertRejected(broken, 101, "malformed: \"forceClosed\" is -1");
    }

    @Test
    void restoredReportsAreShownButNotCountedAgain() throws Exception {
        DrainReport older = DrainReport.fromArguments(report(1, 11, 1, 0));
        DrainReport newer = DrainReport.fromArguments(report(2, 22, 2, 1));

        ledger.restore(List.of(newer, older));

        assertThat(ledger.recent()).containsExactly(newer, older);
        assertThat(counters()).containsEntry(FINISHED, 0.0).containsEntry(FORCE_CLOSED, 0.0);
    }

    @Test
    void countsContinueInTheNextGeneration() throws Exception {
        ledger.accept(report(1, 101, 4, 3), 101);

        ProxyMetrics next = new ProxyMetrics();
        next.importCounters(metrics.exportCounters());
        new DrainReportLedger(next, 4, List::of, DrainReportLedger.DEFAULT_KEEP);

        assertThat(next.exportCounters()).containsEntry(FINISHED, 4.0).containsEntry(FORCE_CLOSED, 3.0)
                .containsEntry(FORCED_DRAINS, 1.0).containsEntry(CLEAN_DRAINS, 0.0);
    }

    private void assertRejected(ObjectNode arguments, long peerPid, String message) {
        Map<String, Double> before = counters();
        assertThatThrownBy(() -> ledger.accept(arguments, peerPid))
                .isInstanceOf(DrainReportRejectedException.class)
                .hasMessageStartingWith(message);
        assertThat(counters()).as("a rejected report changes nothing").isEqualTo(before);
        assertThat(ledger.recent()).isEmpty();
    }
}
