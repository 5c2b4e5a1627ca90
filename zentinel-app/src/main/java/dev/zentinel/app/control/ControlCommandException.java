package dev.zentinel.app.control;

/** A control command refused or failed for a reason the operator should read verbatim. */
public final class ControlCommandException extends RuntimeException {

    public ControlCommandException(String message) {
        super(message);
    }
}
