package dev.zentinel.app.cli;

/** Process exit codes of the {@code zentinel} command (documented in docs/operations.md). */
public final class ExitCodes {

    public static final int OK = 0;
    /** Anything that went wrong: invalid config, port in use, unsafe runtime directory, timeout. */
    public static final int FAILURE = 1;
    /** The command line itself is wrong (unknown option, missing argument). */
    public static final int USAGE = 2;
    /** status/stop found no running instance at the control socket. */
    public static final int NOT_RUNNING = 3;

    private ExitCodes() {
    }
}
