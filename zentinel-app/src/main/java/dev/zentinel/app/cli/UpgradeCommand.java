package dev.zentinel.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zentinel.app.control.ControlProtocol;
import dev.zentinel.app.control.ControlRequest;
import dev.zentinel.app.runtime.RuntimeLayout;
import dev.zentinel.app.upgrade.UpgradeRequest;
import dev.zentinel.app.upgrade.UpgradeRequests;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "upgrade", description = {
        "Replace the running instance with a new process without dropping a connection: the new one",
        "receives the listening sockets and state, warms up, says READY; the old one then stops",
        "accepting, drains and exits. Blocks until the new process serves (exit 0) or the upgrade",
        "failed (exit 1, with the reason; the old process keeps serving)."})
final class UpgradeCommand implements Callable<Integer> {

    /** Beyond the instance's readiness timeout (its default is 30 s): start-up of the successor's JVM. */
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    RuntimeTarget target;

    @Option(names = "--exec", paramLabel = "PATH",
            description = "Launcher that starts the new process (default: the running one's, resolved again).")
    Path exec;

    @Option(names = "--java-home", paramLabel = "DIR", description = "Run the new process on this JVM.")
    Path javaHome;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait for the outcome (default: 120s; the instance's own readiness timeout applies first).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        RuntimeLayout layout = RuntimeTarget.resolve(target);
        ControlProtocol protocol = new ControlProtocol();
        UpgradeRequest request = new UpgradeRequest(Optional.ofNullable(exec), Optional.ofNullable(javaHome));
        ObjectNode arguments = UpgradeRequests.toArguments(protocol.mapper().createObjectNode(), request);
        JsonNode result = ControlCall.call(layout, protocol, new ControlRequest("upgrade", arguments),
                timeout != null ? timeout : DEFAULT_TIMEOUT);
        spec.commandLine().getOut().println(result.path("summary").asText(result.toString()));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
