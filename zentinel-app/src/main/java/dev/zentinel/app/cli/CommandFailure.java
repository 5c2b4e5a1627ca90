package dev.zentinel.app.cli;

/**
 * A command failed for a reason the operator can act on. The message is printed as one line
 * (no stack trace unless --verbose) and the process exits with {@link #exitCode()}.
 */
public final class CommandFailure extends RuntimeException {

    private final int exitCode;

    public CommandFailure(String message) {
        this(message, ExitCodes.FAILURE, null);
    }

    public CommandFailure(String message, Throwable cause) {
        this(message, ExitCodes.FAILURE, cause);
    }

    public CommandFailure(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
