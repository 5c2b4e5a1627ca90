package dev.zentinel.proxy.server;

/** A listener could not be opened (bound or adopted); the message names it and its address. */
public final class ListenerOpenException extends RuntimeException {

    public ListenerOpenException(String message, Throwable cause) {
        super(message, cause);
    }
}
