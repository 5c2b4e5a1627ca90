package dev.zentinel.handoff.systemd;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Names of the environment variables systemd hands a service, and the rule for what a process
 * started by the running proxy (the successor of a binary upgrade) may inherit of them.
 */
public final class SystemdEnvironment {

    public static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";
    public static final String LISTEN_PID = "LISTEN_PID";
    public static final String LISTEN_FDS = "LISTEN_FDS";
    public static final String LISTEN_FDNAMES = "LISTEN_FDNAMES";
    public static final String WATCHDOG_USEC = "WATCHDOG_USEC";
    public static final String WATCHDOG_PID = "WATCHDOG_PID";

    /**
     * Variables that describe the current process only. LISTEN_*: the successor receives its
     * listeners over the handoff, never as inherited fds 3.. (the JDK closes them at spawn), so
     * a stale LISTEN_FDS must not make it look for sockets. WATCHDOG_PID names the old process;
     * left in place it would stop the successor from pinging the watchdog once it has become the
     * main process, and systemd would kill the service at the next watchdog timeout.
     */
    private static final Set<String> PER_PROCESS = Set.of(LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES, WATCHDOG_PID);

    private SystemdEnvironment() {
    }

    /**
     * The environment for the successor of a binary upgrade: the given one without the
     * per-process variables. NOTIFY_SOCKET and WATCHDOG_USEC stay, because the successor must
     * announce MAINPID/READY and take over the watchdog pings.
     */
    public static Map<String, String> forSuccessor(Map<String, String> environment) {
        Map<String, String> copy = new HashMap<>(environment);
        copy.keySet().removeAll(PER_PROCESS);
        return copy;
    }

    /**
     * Removes the per-process variables in place, e.g. from {@link ProcessBuilder#environment()}.
     */
    public static void stripPerProcessVariables(Map<String, String> mutableEnvironment) {
        mutableEnvironment.keySet().removeAll(PER_PROCESS);
    }

    /** Parses a decimal pid/count variable; a clear error names the variable and the bad value. */
    static long parseNonNegative(String variable, String value) {
        String text = value.trim();
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(variable + " must be a non-negative decimal number, got '" + value + "'");
        }
        return Long.parseLong(text);
    }
}
