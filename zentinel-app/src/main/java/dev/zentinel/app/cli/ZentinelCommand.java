package dev.zentinel.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The top-level {@code zentinel} command; it only dispatches to its subcommands. */
@Command(name = "zentinel", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "A reverse proxy with zero-downtime binary upgrades.",
        subcommands = {RunCommand.class, CheckCommand.class, StatusCommand.class, StopCommand.class, UpgradeCommand.class,
                VersionCommand.class, CommandLine.HelpCommand.class})
public final class ZentinelCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command (run, check, status, stop, version)");
    }

    /** A command line with Zentinel's error reporting (one line per problem, exit codes of {@link ExitCodes}). */
    public static CommandLine newCommandLine() {
        return new CommandLine(new ZentinelCommand())
                .setExecutionExceptionHandler(new FailureReporter())
                .setParameterExceptionHandler(new UsageErrorReporter());
    }
}
