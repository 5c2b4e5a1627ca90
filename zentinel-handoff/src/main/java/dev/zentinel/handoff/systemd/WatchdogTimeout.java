package dev.zentinel.handoff.systemd;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The watchdog timeout systemd asks this process to honour: WATCHDOG_USEC, when WATCHDOG_PID is
 * unset or names this process (sd_watchdog_enabled(3)).
 */
record WatchdogTimeout(Duration timeout) {

    /** Pings are never scheduled more often than this, whatever WATCHDOG_USEC says. */
    static final Duration MIN_PING_INTERVAL = Duration.ofMillis(1);

    static Optional<WatchdogTimeout> fromEnvironment(Map<String, String> env, long ownPid) {
        String usec = env.get(SystemdEnvironment.WATCHDOG_USEC);
        if (usec == null || usec.isEmpty()) {
            return Optional.empty();
        }
        long micros = SystemdEnvironment.parseNonNegative(SystemdEnvironment.WATCHDOG_USEC, usec);
        String pid = env.get(SystemdEnvironment.WATCHDOG_PID);
        if (pid != null && !pid.isEmpty()
                && SystemdEnvironment.parseNonNegative(SystemdEnvironment.WATCHDOG_PID, pid) != ownPid) {
            return Optional.empty();
        }
        return micros == 0 ? Optional.empty() : Optional.of(new WatchdogTimeout(Duration.ofNanos(micros * 1_000L)));
    }

    /** Half the timeout, as sd_watchdog_enabled(3) recommends, so one late ping is not yet fatal. */
    Duration pingInterval() {
        Duration half = timeout.dividedBy(2);
        return half.compareTo(MIN_PING_INTERVAL) < 0 ? MIN_PING_INTERVAL : half;
    }
}
