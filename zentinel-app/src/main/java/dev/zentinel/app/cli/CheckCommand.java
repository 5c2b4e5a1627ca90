package dev.zentinel.app.cli;

import dev.zentinel.proxy.config.ProxyConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "check", description = {
        "Validate a configuration file. Problems are printed on stderr as FILE:LINE:COLUMN: problem;",
        "exit status 0 means the file is valid."})
final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", required = true, description = "The config file to check.")
    Path config;

    @Override
    public Integer call() throws Exception {
        ProxyConfig loaded = ConfigFiles.load(config);
        spec.commandLine().getOut().println("configuration ok: " + config + " (" + loaded.listeners().size()
                + " listeners, " + loaded.upstreams().size() + " upstreams, " + loaded.routes().size() + " routes)");
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
