package dev.zentinel.handoff;

/**
 * The predecessor closed the handoff connection without an ABORT: it exited or crashed. After the
 * descriptors were received this is not a reason to give up: the successor owns the sockets and
 * should go on serving alone.
 */
public final class PredecessorGoneException extends HandoffException {

    private static final long serialVersionUID = 1L;

    public PredecessorGoneException(String message) {
        super(message);
    }
}
