package dev.zentinel.app.lifecycle;

/** The instance could not start; the message says what to fix and is printed as one line. */
public final class StartupException extends Exception {

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
