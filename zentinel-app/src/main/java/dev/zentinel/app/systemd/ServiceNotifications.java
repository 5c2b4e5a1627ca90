package dev.zentinel.app.systemd;

import dev.zentinel.handoff.systemd.SdNotifier;
import dev.zentinel.handoff.systemd.Watchdog;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this process tells its service manager (systemd's sd_notify), in the lifecycle's terms.
 * Without NOTIFY_SOCKET every method does nothing. After handing over to a successor this
 * process says nothing more: the service is the successor now, and a STOPPING=1 or a watchdog
 * ping from the old process would describe the wrong process.
 */
public final class ServiceNotifications implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServiceNotifications.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);

    private final Optional<SdNotifier> notifier;
    private final Map<String, String> environment;
    private final EventLoopGroup group;
    private final long pid;
    private volatile Optional<Watchdog> watchdog = Optional.empty();
    private volatile boolean handedOver;

    private ServiceNotifications(Optional<SdNotifier> notifier, Map<String, String> environment,
            EventLoopGroup group, long pid) {
        this.notifier = notifier;
        this.environment = environment;
        this.group = group;
        this.pid = pid;
    }

    /** From this process's environment; a NOTIFY_SOCKET that cannot be used is logged and ignored. */
    public static ServiceNotifications fromEnvironment(Map<String, String> environment, EventLoopGroup group, long pid) {
        Optional<SdNotifier> notifier;
        try {
            notifier = SdNotifier.fromEnvironment(environment, group);
        } catch (RuntimeException e) {
            log.warn("NOTIFY_SOCKET is set but unusable, not notifying the service manager: {}", e.getMessage());
            notifier = Optional.empty();
        }
        notifier.ifPresent(n -> log.info("notifying the service manager at {}", n.socketAddress()));
        return new ServiceNotifications(notifier, Map.copyOf(environment), group, pid);
    }

    /** A fresh start serves: READY=1, and the watchdog starts pinging while {@code healthy} holds. */
    public void ready(String status, BooleanSupplier healthy) {
        notifier.ifPresent(n -> {
            await(n.ready(status), "READY=1");
            startWatchdog(n, healthy);
        });
    }

    /**
     * A successor, before it says READY to its predecessor: MAINPID=us and READY=1 in one
     * datagram, queued at systemd before the predecessor can exit, so systemd follows the new pid.
     */
    public void tookOver(String status, BooleanSupplier healthy) {
        notifier.ifPresent(n -> {
            await(n.mainPidReady(pid, status), "MAINPID+READY=1");
            startWatchdog(n, healthy);
        });
    }

    /** An upgrade begins: RELOADING=1 with MONOTONIC_USEC. */
    public void upgrading() {
        notifier.filter(n -> !handedOver).ifPresent(n -> n.reloading());
    }

    /** The upgrade failed and this process serves on: leave the reloading state. */
    public void upgradeFailed(String reason) {
        notifier.filter(n -> !handedOver).ifPresent(n -> n.ready("upgrade failed, serving on: " + reason));
    }

    /** The successor is ready: from now on this process is not the service; stop pinging, say nothing. */
    public void handedOver() {
        handedOver = true;
        watchdog.ifPresent(Watchdog::close);
    }

    /** A graceful stop of the service (not of an old generation after an upgrade): STOPPING=1. */
    public void stopping() {
        watchdog.ifPresent(Watchdog::close);
        notifier.filter(n -> !handedOver).ifPresent(n -> await(n.stopping(), "STOPPING=1"));
    }

    private void startWatchdog(SdNotifier n, BooleanSupplier healthy) {
        try {
            watchdog = Watchdog.start(environment, pid, n, group, healthy);
        } catch (RuntimeException e) {
            log.warn("systemd watchdog not started: {}", e.getMessage());
        }
    }

    private static void await(java.util.concurrent.CompletableFuture<Void> send, String what) {
        try {
            send.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("could not notify the service manager ({}): {}", what, e.toString());
        }
    }

    @Override
    public void close() {
        watchdog.ifPresent(Watchdog::close);
        notifier.ifPresent(SdNotifier::close);
    }
}
