package dev.zentinel.handoff.systemd;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pings the systemd watchdog (WATCHDOG=1) every half WATCHDOG_USEC while a health check passes.
 * When the check fails (or throws) the ping is skipped, so a process that is alive but broken is
 * restarted by systemd after the timeout; that is the point of a watchdog, not a side effect.
 *
 * <p>The check runs on an event loop: it must be cheap and never block. Running there also means a
 * stuck event loop stops the pings, which is a health signal too.
 */
public final class Watchdog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

    private final SdNotifier notifier;
    private final BooleanSupplier healthy;
    private final Duration interval;
    private final ScheduledFuture<?> schedule;
    // Only touched by the scheduled task, which always runs on the same event loop.
    private boolean lastPingHealthy = true;
    // Written by send completions, which run on the notifier's event loop.
    private final AtomicBoolean lastSendFailed = new AtomicBoolean();

    private Watchdog(SdNotifier notifier, BooleanSupplier healthy, Duration interval, EventLoopGroup group) {
        this.notifier = notifier;
        this.healthy = healthy;
        this.interval = interval;
        long nanos = interval.toNanos();
        this.schedule = group.next().scheduleAtFixedRate(this::tick, 0, nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Empty unless WATCHDOG_USEC is set (and WATCHDOG_PID is unset or ours). Sends WATCHDOG=1 every half
     * interval from an event loop's scheduler while the health check supplier says true.
     *
     * @throws IllegalArgumentException WATCHDOG_USEC or WATCHDOG_PID is not a number
     */
    public static Optional<Watchdog> start(Map<String, String> env, long ownPid, SdNotifier notifier,
            EventLoopGroup group, BooleanSupplier healthy) {
        return WatchdogTimeout.fromEnvironment(env, ownPid).map(timeout -> {
            log.info("systemd watchdog: timeout {} ms, pinging every {} ms", timeout.timeout().toMillis(),
                    timeout.pingInterval().toMillis());
            return new Watchdog(notifier, healthy, timeout.pingInterval(), group);
        });
    }

    /** The time between two pings. */
    public Duration interval() {
        return interval;
    }

    private void tick() {
        boolean ok;
        try {
            ok = healthy.getAsBoolean();
        } catch (RuntimeException e) {
            log.warn("watchdog health check threw; skipping the ping", e);
            ok = false;
        }
        if (!ok) {
            if (lastPingHealthy) {
                log.warn("watchdog health check failed; not pinging systemd (it restarts the service after the timeout)");
            }
            lastPingHealthy = false;
            return;
        }
        if (!lastPingHealthy) {
            log.info("watchdog health check passes again; pinging systemd");
        }
        lastPingHealthy = true;
        notifier.watchdog().whenComplete((ignored, error) -> {
            boolean failedBefore = lastSendFailed.getAndSet(error != null);
            if (error != null && !failedBefore) {
                log.warn("watchdog ping to {} failed: {}", notifier.socketAddress(), error.toString());
            } else if (error == null && failedBefore) {
                log.info("watchdog ping to {} works again", notifier.socketAddress());
            }
        });
    }

    /** Stops the pings. The old process of an upgrade closes it as soon as the successor is ready. */
    @Override
    public void close() {
        schedule.cancel(false);
    }
}
