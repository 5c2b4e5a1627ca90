package dev.zentinel.handoff;

/** Thrown by a {@link HandoffAcceptor} to refuse a successor; the reason is sent to it and logged. */
public final class HandoffRefusedException extends Exception {

    private static final long serialVersionUID = 1L;

    public HandoffRefusedException(String reason) {
        super(reason);
    }

    public String reason() {
        return getMessage();
    }
}
