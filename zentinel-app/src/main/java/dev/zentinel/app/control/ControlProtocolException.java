package dev.zentinel.app.control;

/** A control-socket line that is not a well-formed request or response. */
public final class ControlProtocolException extends Exception {

    public ControlProtocolException(String message) {
        super(message);
    }
}
