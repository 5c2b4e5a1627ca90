package dev.zentinel.app.lifecycle;

import dev.zentinel.app.Failures;
import dev.zentinel.app.control.ControlProtocol;
import dev.zentinel.app.control.DomainSockets;
import dev.zentinel.app.runtime.PidFile;
import dev.zentinel.app.systemd.ServiceNotifications;
import dev.zentinel.app.upgrade.DrainReport;
import dev.zentinel.app.upgrade.DrainReporter;
import dev.zentinel.app.upgrade.UpgradeCoordinator;
import dev.zentinel.app.upgrade.UpgradeService;
import dev.zentinel.proxy.config.UpgradeConfig;
import dev.zentinel.proxy.server.DrainResult;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stop sequence of an instance that served: end an upgrade still in flight, stop accepting,
 * drain (bounded by upgrade.drain-timeout, cut short by a second signal), report the drain to the
 * successor when one took over, close, remove the pid file. Every wait in it is bounded.
 */
final class GracefulStop {

    private static final Logger log = LoggerFactory.getLogger(GracefulStop.class);
    /** Extra wait beyond the drain timeout for the drain future itself to report. */
    private static final Duration DRAIN_REPORT_GRACE = Duration.ofSeconds(10);
    /** Beyond the successor's SIGTERM-to-SIGKILL grace: for the kernel to reap it and a hand-over to finish. */
    private static final Duration UPGRADE_SETTLE_GRACE = Duration.ofSeconds(10);
    /** The reason an upgrade in flight is aborted with when the instance is asked to stop. */
    static final String STOPPING = "instance is stopping";

    private final UpgradeConfig upgradeConfig;
    private final Launch launch;
    private final long pid;
    private final Duration drainReportTimeout;
    private final ControlProtocol protocol;
    private final StateMachine state;
    private final CompletableFuture<String> forceRequested;

    /**
     * @param forceRequested completes when the operator asks again while draining: the drain ends
     *                       at once and what is still open is closed
     */
    GracefulStop(UpgradeConfig upgradeConfig, Launch launch, long pid, Duration drainReportTimeout,
            ControlProtocol protocol, StateMachine state, CompletableFuture<String> forceRequested) {
        this.upgradeConfig = upgradeConfig;
        this.launch = launch;
        this.pid = pid;
        this.drainReportTimeout = drainReportTimeout;
        this.protocol = protocol;
        this.state = state;
        this.forceRequested = forceRequested;
    }

    /**
     * Runs the whole sequence; returns when the instance is closed.
     *
     * @param handedOver a successor took over: the drain is spread and reported to it
     */
    void run(String reason, RunningInstance instance, PidFile pidFile, boolean handedOver,
            ServiceNotifications notifications) {
        Stopwatch stopping = Stopwatch.start();
        notifications.stopping();
        state.beginDraining();
        settleUpgrade(instance.upgrades());
        Duration drainTimeout = upgradeConfig.drainTimeout();
        ProxyInstance proxy = instance.proxy();
        long openAtStart = proxy.activeConnections();
        // Spread only after a hand-over: then a successor serves the clients that reconnect.
        Duration spread = handedOver ? upgradeConfig.drainSpread() : Duration.ZERO;
        log.info("stopping ({}): closing listeners, draining {} connections for at most {} ms (spread over {} ms)",
                reason, openAtStart, drainTimeout.toMillis(), spread.toMillis());
        proxy.stopAccepting();
        Stopwatch draining = Stopwatch.start();
        DrainResult drained = awaitDrain(proxy.drain(drainTimeout, spread), drainTimeout, proxy, openAtStart,
                draining);
        if (handedOver) {
            // The successor owns the control socket now; our own endpoints are gone.
            new DrainReporter(DomainSockets.detect(), protocol).report(instance.layout().controlSocket(),
                    DrainReport.of(launch.generation(), pid, drained, Instant.now()), drainReportTimeout);
        }
        Stopwatch closing = Stopwatch.start();
        proxy.close();
        instance.upgrades().close();
        instance.control().close();
        pidFile.removeIfOwnedBy(pid);
        log.info("closed in {} ms", closing.millis());
        state.transition(InstanceState.DRAINING, InstanceState.STOPPED);
        log.info("stopped in {} ms", stopping.millis());
    }

    /**
     * Ends an upgrade still in flight before draining, bounded: an aborted successor gets SIGTERM,
     * then SIGKILL after the coordinator's grace, and this process does not exit before it is gone,
     * so a finished {@code zentinel stop} leaves nothing serving.
     */
    private static void settleUpgrade(UpgradeService upgrades) {
        Duration bound = UpgradeCoordinator.KILL_GRACE.plus(UPGRADE_SETTLE_GRACE);
        try {
            upgrades.abortForStop(STOPPING).get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("the upgrade in flight did not end within {} ms; stopping anyway", bound.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("interrupted while ending the upgrade in flight; stopping anyway");
        } catch (Exception e) {
            log.warn("ending the upgrade in flight failed: {}; stopping anyway", Failures.describe(e));
        }
    }

    /**
     * Waits for the drain and returns its figures. When a second signal cuts it short, or it does
     * not report in time, the figures are what can be seen now: whatever is still open is about to
     * be closed by force.
     */
    private DrainResult awaitDrain(CompletableFuture<DrainResult> drain, Duration drainTimeout, ProxyInstance proxy,
            long openAtStart, Stopwatch draining) {
        CompletableFuture<Object> drainedOrForced = CompletableFuture.anyOf(drain, forceRequested);
        try {
            Object outcome = drainedOrForced.get(drainTimeout.plus(DRAIN_REPORT_GRACE).toMillis(),
                    TimeUnit.MILLISECONDS);
            if (outcome instanceof DrainResult result) {
                log.info("drained in {} ms: {} connections finished, {} force-closed", result.took().toMillis(),
                        result.closedGracefully(), result.forceClosed());
                return result;
            }
            log.warn("drain cut short by {}", outcome);
        } catch (TimeoutException e) {
            log.warn("drain did not report within {} ms; closing anyway",
                    drainTimeout.plus(DRAIN_REPORT_GRACE).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("interrupted while draining; closing now");
        } catch (Exception e) {
            log.warn("drain failed: {}; closing now", Failures.describe(e));
        }
        long open = proxy.activeConnections();
        return new DrainResult((int) Math.max(0, openAtStart - open), (int) Math.min(Integer.MAX_VALUE, open),
                draining.elapsed());
    }
}
