package dev.zentinel.app;

import dev.zentinel.app.cli.ZentinelCommand;

/** Entry point of the {@code zentinel} command (bin/zentinel execs this class). */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        int exitCode = ZentinelCommand.newCommandLine().execute(args);
        System.exit(exitCode);
    }
}
