package dev.zentinel.app.control;

import java.nio.file.Path;

/** Nothing answers on the control socket: no socket file, or a stale one nobody listens on. */
public final class NoRunningInstanceException extends Exception {

    private final Path socket;
    private final boolean staleSocket;

    public NoRunningInstanceException(Path socket, boolean staleSocket, String detail) {
        super("no running zentinel at " + socket + (detail == null ? "" : " (" + detail + ")"));
        this.socket = socket;
        this.staleSocket = staleSocket;
    }

    public Path socket() {
        return socket;
    }

    /** Whether a socket file exists that nobody listens on (left by a process that died). */
    public boolean staleSocket() {
        return staleSocket;
    }
}
