package dev.zentinel.app.upgrade;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zentinel.proxy.metrics.ProxyMetrics;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving process's account of how older generations' drains ended. An old generation has
 * given up its admin endpoint when it drains, so it reports its figures here (the
 * {@value DrainReport#COMMAND} control command) and they become counters that continue across
 * upgrades like every other, plus a short list of the latest reports for {@code status}.
 *
 * <p>Only a generation this instance knows to be draining after handing over (directly or further
 * up the chain), reporting about itself from its own pid and only once, is counted; anything
 * else is rejected, logged, and changes nothing.
 */
public final class DrainReportLedger {

    public static final String CONNECTIONS_TOTAL = "zentinel_drain_connections_total";
    public static final String DRAINS_TOTAL = "zentinel_drains_total";
    /** How many reports {@link #recent()} keeps by default. */
    public static final int DEFAULT_KEEP = 8;
    /** Bounds the memory of which pids already reported. */
    private static final int MAX_REMEMBERED_PIDS = 256;

    private static final Logger log = LoggerFactory.getLogger(DrainReportLedger.class);

    private final long generation;
    private final Supplier<List<Predecessor.Draining>> draining;
    private final int keep;
    private final CounterDataPoint finishedConnections;
    private final CounterDataPoint forceClosedConnections;
    private final CounterDataPoint cleanDrains;
    private final CounterDataPoint forcedDrains;
    /** Newest first; guarded by this. */
    private final Deque<DrainReport> recent = new ArrayDeque<>();
    /** Guarded by this. */
    private final Set<Long> reportedPids = new LinkedHashSet<>();

    /**
     * @param generation this instance's generation
     * @param draining   the older generations this instance knows to be draining, now
     * @param keep       how many reports to keep for {@link #recent()}
     */
    public DrainReportLedger(ProxyMetrics metrics, long generation, Supplier<List<Predecessor.Draining>> draining,
            int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be >= 1: " + keep);
        }
        this.generation = generation;
        this.draining = draining;
        this.keep = keep;
        Counter connections = metrics.counter(CONNECTIONS_TOTAL,
                "Connections open when an older generation began draining after an upgrade, by how they ended"
                        + " (finished, force_closed at upgrade.drain-timeout); reported by the drained generation",
                "outcome");
        Counter drains = metrics.counter(DRAINS_TOTAL,
                "Drains of older generations after upgrades, by outcome (clean, or force_closed when the drain"
                        + " timeout cut at least one connection)",
                "outcome");
        // Created up front so that /metrics shows 0 before the first report, not no series at all.
        finishedConnections = connections.labelValues("finished");
        forceClosedConnections = connections.labelValues("force_closed");
        cleanDrains = drains.labelValues("clean");
        forcedDrains = drains.labelValues("force_closed");
    }

    /**
     * Checks a report sent by {@code peerPid} and counts it.
     *
     * @throws DrainReportRejectedException why the report was not counted (also logged)
     */
    public DrainReport accept(ObjectNode arguments, long peerPid) throws DrainReportRejectedException {
        try {
            DrainReport report = DrainReport.fromArguments(arguments);
            check(report, peerPid);
            count(report);
            log.info("drain report: {}", report.summary());
            return report;
        } catch (DrainReportRejectedException e) {
            log.warn("drain report from pid {} rejected: {}", peerPid, e.getMessage());
            throw e;
        }
    }

    private void check(DrainReport report, long peerPid) throws DrainReportRejectedException {
        if (report.pid() != peerPid) {
            throw new DrainReportRejectedException("foreign: it names pid " + report.pid()
                    + " but was sent by pid " + peerPid);
        }
        if (report.generation() >= generation) {
            throw new DrainReportRejectedException("foreign: generation " + report.generation()
                    + " is not older than this instance's generation " + generation);
        }
        Optional<Predecessor.Draining> known = draining.get().stream()
                .filter(d -> d.pid() == report.pid())
                .findFirst();
        if (known.isEmpty()) {
            throw new DrainReportRejectedException("foreign: pid " + report.pid()
                    + " is not an older generation draining after handing over to this instance");
        }
        if (known.get().generation() != report.generation()) {
            throw new DrainReportRejectedException("foreign: pid " + report.pid() + " is generation "
                    + known.get().generation() + ", not " + report.generation());
        }
    }

    private void count(DrainReport report) throws DrainReportRejectedException {
        synchronized (this) {
            if (reportedPids.contains(report.pid())) {
                throw new DrainReportRejectedException("duplicate: pid " + report.pid() + " already reported its drain");
            }
            remember(report.pid());
            remember(report);
        }
        finishedConnections.inc(report.finished());
        forceClosedConnections.inc(report.forceClosed());
        (report.forceClosed() > 0 ? forcedDrains : cleanDrains).inc();
    }

    /**
     * Adds reports an earlier generation received (from the state snapshot, newest first as
     * {@link #recent()} lists them); their figures are already in the inherited counters and are
     * not counted again. Call before reports arrive.
     */
    public void restore(List<DrainReport> earlier) {
        synchronized (this) {
            List<DrainReport> oldestFirst = new ArrayList<>(earlier);
            Collections.reverse(oldestFirst);
            for (DrainReport report : oldestFirst) {
                remember(report.pid());
                remember(report);
            }
        }
    }

    /** The latest reports, newest first, at most {@code keep}. */
    public synchronized List<DrainReport> recent() {
        return List.copyOf(recent);
    }

    private void remember(DrainReport report) {
        recent.addFirst(report);
        while (recent.size() > keep) {
            recent.removeLast();
        }
    }

    private void remember(long pid) {
        reportedPids.add(pid);
        if (reportedPids.size() > MAX_REMEMBERED_PIDS) {
            Long oldest = reportedPids.iterator().next();
            reportedPids.remove(oldest);
        }
    }
}
