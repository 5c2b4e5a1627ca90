package dev.zentinel.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.zentinel.app.control.ControlProtocol;
import dev.zentinel.app.control.ControlRequest;
import dev.zentinel.app.runtime.RuntimeLayout;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "status", description = "Print the running instance's status as JSON on stdout.")
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    RuntimeTarget target;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class, description = "How long to wait for an answer (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        RuntimeLayout layout = RuntimeTarget.resolve(target);
        ControlProtocol protocol = new ControlProtocol();
        JsonNode status = ControlCall.call(layout, protocol, ControlRequest.of("status"), timeout);
        spec.commandLine().getOut().println(pretty(protocol, status));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    private static String pretty(ControlProtocol protocol, JsonNode node) throws JsonProcessingException {
        return protocol.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node);
    }
}
