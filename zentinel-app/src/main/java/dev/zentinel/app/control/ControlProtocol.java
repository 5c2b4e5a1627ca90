package dev.zentinel.app.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Pattern;

/**
 * The control socket's wire format: one JSON object per line each way.
 * <pre>
 * request:  {"command":"status"}            {"command":"stop","arguments":{}}
 * response: {"ok":true,"result":{...}}      {"ok":false,"error":"why"}
 * </pre>
 * Lines are UTF-8 and bounded ({@link #DEFAULT_MAX_LINE_BYTES}); a line never contains a raw
 * newline because JSON escapes them.
 */
public final class ControlProtocol {

    public static final int DEFAULT_MAX_LINE_BYTES = 64 * 1024;
    private static final Pattern COMMAND_NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    private static final int MAX_NESTING_DEPTH = 16;

    private final ObjectMapper mapper;

    public ControlProtocol() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                .build();
        this.mapper = JsonMapper.builder(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public ControlRequest parseRequest(String line) throws ControlProtocolException {
        ObjectNode object = parseObject(line, "request");
        JsonNode command = object.get("command");
        if (command == null || !command.isTextual()) {
            throw new ControlProtocolException("request needs a string field \"command\"");
        }
        if (!COMMAND_NAME.matcher(command.textValue()).matches()) {
            throw new ControlProtocolException("not a command name: \"" + abbreviate(command.textValue()) + "\"");
        }
        JsonNode arguments = object.get("arguments");
        if (arguments != null && !arguments.isObject() && !arguments.isNull()) {
            throw new ControlProtocolException("\"arguments\" must be an object");
        }
        return new ControlRequest(command.textValue(), arguments instanceof ObjectNode o ? o : null);
    }

    public String encodeRequest(ControlRequest request) {
        ObjectNode object = mapper.createObjectNode();
        object.put("command", request.command());
        if (!request.arguments().isEmpty()) {
            object.set("arguments", request.arguments());
        }
        return write(object);
    }

    public ControlResponse parseResponse(String line) throws ControlProtocolException {
        ObjectNode object = parseObject(line, "response");
        JsonNode ok = object.get("ok");
        if (ok == null || !ok.isBoolean()) {
            throw new ControlProtocolException("response needs a boolean field \"ok\"");
        }
        if (ok.booleanValue()) {
            return ControlResponse.success(object.get("result"));
        }
        JsonNode error = object.get("error");
        return ControlResponse.failure(error != null && error.isTextual() ? error.textValue() : "unspecified error");
    }

    public String encodeResponse(ControlResponse response) {
        ObjectNode object = mapper.createObjectNode();
        object.put("ok", response.ok());
        if (response.ok()) {
            object.set("result", response.result());
        } else {
            object.put("error", response.error());
        }
        return write(object);
    }

    private ObjectNode parseObject(String line, String what) throws ControlProtocolException {
        JsonNode node;
        try {
            node = mapper.readTree(line);
        } catch (JsonProcessingException e) {
            throw new ControlProtocolException(what + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || node.isMissingNode()) {
            throw new ControlProtocolException(what + " is empty");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new ControlProtocolException(what + " must be a JSON object");
        }
        return object;
    }

    private String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // A tree of plain nodes always serialises; reaching this is a bug.
            throw new IllegalStateException("cannot encode control message", e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
