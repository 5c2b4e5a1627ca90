package dev.zentinel.app.control;

/** A control exchange failed after a connection was possible: timeout, broken reply, I/O error. */
public final class ControlClientException extends Exception {

    public ControlClientException(String message) {
        super(message);
    }

    public ControlClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
