package dev.zentinel.app.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/** {@code --verbose}: show stack traces with errors. Accepted by every subcommand. */
final class VerboseOption {

    static final String NAME = "--verbose";

    @Option(names = {"-v", NAME}, scope = ScopeType.INHERIT,
            description = "Print stack traces with errors.")
    boolean verbose;

    /** Whether --verbose appears anywhere on the parsed command line. */
    static boolean requested(ParseResult parseResult) {
        for (ParseResult current = parseResult; current != null; current = current.subcommand()) {
            if (current.hasMatchedOption(NAME)) {
                return true;
            }
        }
        return false;
    }
}
