package dev.zentinel.app.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ControlProtocolTest {

    private final ControlProtocol protocol = new ControlProtocol();

    @Test
    void parsesACommandWithoutArguments() throws Exception {
        ControlRequest request = protocol.parseRequest("{\"command\":\"status\"}");

        assertThat(request.command()).isEqualTo("status");
        assertThat(request.arguments().isEmpty()).isTrue();
    }

    @Test
    void parsesArgumentsAndIgnoresUnknownTopLevelFields() throws Exception {
        ControlRequest request = protocol.parseRequest(
                "{\"command\":\"stop\",\"arguments\":{\"reason\":\"test\"},\"client\":\"future-cli\"}");

        assertThat(request.command()).isEqualTo("stop");
        assertThat(request.arguments().path("reason").asText()).isEqualTo("test");
    }

    @Test
    void requestRoundTrips() throws Exception {
        ObjectNode arguments = JsonNodeFactory.instance.objectNode().put("exec", "/opt/zentinel/bin/zentinel");
        ControlRequest original = new ControlRequest("upgrade", arguments);

        String line = protocol.encodeRequest(original);

        assertThat(line).doesNotContain("\n");
        assertThat(protocol.parseRequest(line)).isEqualTo(original);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "   ",
            "garbage",
            "{",
            "[\"status\"]",
            "\"status\"",
            "{}",
            "{\"command\":42}",
            "{\"command\":\"\"}",
            "{\"command\":\"Status\"}",
            "{\"command\":\"status; rm -rf /\"}",
            "{\"command\":\"status\",\"arguments\":[1]}",
            "{\"command\":\"status\"} trailing",
            "{\"command\":\"status\"}{\"command\":\"stop\"}"})
    void rejectsMalformedRequests(String line) {
        assertThatThrownBy(() -> protocol.parseRequest(line)).isInstanceOf(ControlProtocolException.class);
    }

    @Test
    void rejectsDeeplyNestedDocuments() {
        String nested = "{\"command\":\"status\",\"arguments\":" + "{\"a\":".repeat(100) + "1" + "}".repeat(100) + "}";

        assertThatThrownBy(() -> protocol.parseRequest(nested)).isInstanceOf(ControlProtocolException.class);
    }

    @Test
    void successResponseRoundTrips() throws Exception {
        ObjectNode result = JsonNodeFactory.instance.objectNode().put("pid", 1234);

        ControlResponse parsed = protocol.parseResponse(protocol.encodeResponse(ControlResponse.success(result)));

        assertThat(parsed.ok()).isTrue();
        assertThat(parsed.result().path("pid").asLong()).isEqualTo(1234);
    }

    @Test
    void failureResponseRoundTrips() throws Exception {
        ControlResponse parsed = protocol.parseResponse(
                protocol.encodeResponse(ControlResponse.failure("line one\nline two")));

        assertThat(parsed.ok()).isFalse();
        assertThat(parsed.error()).isEqualTo("line one\nline two");
    }

    @Test
    void responseWithoutOkIsMalformed() {
        assertThatThrownBy(() -> protocol.parseResponse("{\"result\":{}}"))
                .isInstanceOf(ControlProtocolException.class);
    }
}
