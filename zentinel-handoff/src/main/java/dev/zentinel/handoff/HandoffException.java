package dev.zentinel.handoff;

/** A handoff could not be carried out; the message says why in terms an operator can act on. */
public class HandoffException extends Exception {

    private static final long serialVersionUID = 1L;

    public HandoffException(String message) {
        super(message);
    }

    public HandoffException(String message, Throwable cause) {
        super(message, cause);
    }
}
