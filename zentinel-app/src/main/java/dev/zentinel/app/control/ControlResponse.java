package dev.zentinel.app.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/** The answer to one control request: a result on success, an operator-readable error otherwise. */
public record ControlResponse(boolean ok, JsonNode result, String error) {

    public ControlResponse {
        result = result == null ? NullNode.getInstance() : result.deepCopy();
    }

    public static ControlResponse success(JsonNode result) {
        return new ControlResponse(true, result, null);
    }

    public static ControlResponse failure(String error) {
        return new ControlResponse(false, null, error);
    }

    @Override
    public JsonNode result() {
        return result.deepCopy();
    }
}
