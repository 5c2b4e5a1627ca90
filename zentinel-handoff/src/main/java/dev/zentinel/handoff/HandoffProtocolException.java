package dev.zentinel.handoff;

/** The peer broke the protocol (garbage, bad magic, oversized frame, unexpected message...). */
final class HandoffProtocolException extends HandoffException {

    private static final long serialVersionUID = 1L;

    HandoffProtocolException(String message) {
        super(message);
    }

    HandoffProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
