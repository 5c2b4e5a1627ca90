package dev.zentinel.app.cli;

import dev.zentinel.app.ZentinelVersion;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "version", description = "Print the version of Zentinel and of the JVM running it.")
final class VersionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(line());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    static String line() {
        return "zentinel " + ZentinelVersion.get() + " (java " + Runtime.version() + ", "
                + System.getProperty("java.vendor") + "; " + System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT)
                + " " + System.getProperty("os.arch") + ")";
    }

    /** Backs {@code zentinel --version}. */
    static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {line()};
        }
    }
}
