package dev.zentinel.app.upgrade;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zentinel.app.control.ControlRequest;
import java.nio.file.Path;
import java.util.Optional;

/** The {@code upgrade} control command's arguments: {@code exec} (launcher path) and {@code javaHome}, both optional. */
public final class UpgradeRequests {

    public static final String EXEC = "exec";
    public static final String JAVA_HOME = "javaHome";

    private UpgradeRequests() {
    }

    public static UpgradeRequest from(ControlRequest request) {
        ObjectNode args = request.arguments();
        return new UpgradeRequest(path(args, EXEC), path(args, JAVA_HOME));
    }

    public static ObjectNode toArguments(ObjectNode into, UpgradeRequest request) {
        request.launcher().ifPresent(p -> into.put(EXEC, p.toAbsolutePath().toString()));
        request.javaHome().ifPresent(p -> into.put(JAVA_HOME, p.toAbsolutePath().toString()));
        return into;
    }

    private static Optional<Path> path(ObjectNode args, String name) {
        JsonNode value = args.get(name);
        return value == null || !value.isTextual() || value.asText().isBlank()
                ? Optional.empty() : Optional.of(Path.of(value.asText()));
    }
}
