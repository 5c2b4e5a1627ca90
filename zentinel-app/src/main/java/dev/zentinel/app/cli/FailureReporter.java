package dev.zentinel.app.cli;

import dev.zentinel.app.Failures;
import dev.zentinel.app.runtime.RuntimeDirectoryException;
import dev.zentinel.proxy.config.ConfigException;
import java.io.PrintWriter;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/**
 * Turns a failed command into what an operator should see: one clear line per problem on stderr
 * and a non-zero exit code; the stack trace only with --verbose.
 */
final class FailureReporter implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception exception, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        Throwable failure = Failures.unwrap(exception);
        int exitCode = ExitCodes.FAILURE;
        if (failure instanceof ConfigException config) {
            config.problems().forEach(err::println);
        } else if (failure instanceof CommandFailure command) {
            err.println("zentinel: " + command.getMessage());
            exitCode = command.exitCode();
        } else if (failure instanceof RuntimeDirectoryException runtime) {
            err.println("zentinel: " + runtime.getMessage());
        } else {
            err.println("zentinel: " + Failures.describe(failure));
        }
        if (VerboseOption.requested(parseResult)) {
            exception.printStackTrace(err);
        }
        err.flush();
        return exitCode;
    }
}
