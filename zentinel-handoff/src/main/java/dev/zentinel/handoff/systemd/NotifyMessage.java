package dev.zentinel.handoff.systemd;

import java.nio.charset.StandardCharsets;

/**
 * Builds and checks sd_notify state datagrams: newline-separated KEY=VALUE assignments, no trailing
 * newline (the same bytes systemd-notify(1) sends).
 */
final class NotifyMessage {

    /**
     * systemd reads notifications into a buffer of PIPE_BUF (4096) bytes and drops longer ones, so
     * a longer message is refused here instead of vanishing.
     */
    static final int MAX_BYTES = 4096;

    /** STATUS= texts are cut to this many characters, to keep messages far from {@link #MAX_BYTES}. */
    static final int MAX_STATUS_CHARS = 1024;

    private NotifyMessage() {
    }

    static String ready(String status) {
        return status == null ? "READY=1" : "READY=1\n" + statusLine(status);
    }

    static String reloading(long monotonicMicros) {
        return "RELOADING=1\nMONOTONIC_USEC=" + monotonicMicros;
    }

    static String mainPid(long pid) {
        return "MAINPID=" + requirePid(pid);
    }

    static String mainPidReady(long pid, String status) {
        return mainPid(pid) + "\n" + ready(status);
    }

    static String stopping() {
        return "STOPPING=1";
    }

    static String status(String status) {
        if (status == null) {
            throw new IllegalArgumentException("status must not be null");
        }
        return statusLine(status);
    }

    static String watchdog() {
        return "WATCHDOG=1";
    }

    /**
     * Checks a raw state: every line KEY=VALUE with an upper-case KEY, no NUL, at most
     * {@link #MAX_BYTES} bytes. Returns the UTF-8 bytes to send.
     */
    static byte[] validate(String state) {
        if (state == null || state.isEmpty()) {
            throw new IllegalArgumentException("notify state must not be empty");
        }
        if (state.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("notify state must not contain NUL");
        }
        for (String line : state.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0 || !line.substring(0, eq).chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
                throw new IllegalArgumentException("notify state line must be KEY=VALUE with an upper-case KEY, got '"
                        + abbreviate(line) + "'");
            }
        }
        byte[] bytes = state.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("notify state is " + bytes.length + " bytes, systemd accepts at most " + MAX_BYTES);
        }
        return bytes;
    }

    private static String statusLine(String status) {
        // A newline in a status text would start a new assignment (e.g. an injected READY=1).
        String flat = status.replace('\r', ' ').replace('\n', ' ').replace('\0', ' ');
        if (flat.length() > MAX_STATUS_CHARS) {
            int cut = MAX_STATUS_CHARS - 3;
            if (Character.isHighSurrogate(flat.charAt(cut - 1))) {
                cut--;
            }
            flat = flat.substring(0, cut) + "...";
        }
        return "STATUS=" + flat;
    }

    private static long requirePid(long pid) {
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("not a pid: " + pid);
        }
        return pid;
    }

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 61) + "...";
    }
}
