package dev.zentinel.app.runtime;

/** The runtime directory or a file in it cannot be used; the message is meant for an operator. */
public final class RuntimeDirectoryException extends RuntimeException {

    public RuntimeDirectoryException(String message) {
        super(message);
    }

    public RuntimeDirectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
