package dev.zentinel.app.control;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One request on the control socket: a command name and its arguments (an object, possibly
 * empty). Arguments a command does not know are ignored, so newer CLIs can talk to older
 * instances for the commands both know.
 */
public record ControlRequest(String command, ObjectNode arguments) {

    public ControlRequest {
        Objects.requireNonNull(command, "command");
        arguments = arguments == null ? JsonNodeFactory.instance.objectNode() : arguments.deepCopy();
    }

    public static ControlRequest of(String command) {
        return new ControlRequest(command, null);
    }

    @Override
    public ObjectNode arguments() {
        return arguments.deepCopy();
    }
}
