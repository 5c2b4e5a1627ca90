package dev.zentinel.app.control;

import java.nio.file.Path;

/** Nothing answers on the control socket: no socket file, or a stale one nobody listens on. */
public final class NoRunningInstanceException extends Exception {

    private final Path socket;

    public NoRunningInstanceException(Path socket, String detail) {
        super("no running zentinel at " + socket + (detail == null ? "" : " (" + detail + ")"));
        this.socket = socket;
    }

    public Path socket() {
        return socket;
    }
}
