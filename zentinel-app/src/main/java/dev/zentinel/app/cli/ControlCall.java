package dev.zentinel.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zentinel.app.control.ControlClient;
import dev.zentinel.app.control.ControlClientException;
import dev.zentinel.app.control.ControlProtocol;
import dev.zentinel.app.control.ControlRequest;
import dev.zentinel.app.control.ControlResponse;
import dev.zentinel.app.control.DomainSockets;
import dev.zentinel.app.control.NoRunningInstanceException;
import dev.zentinel.app.runtime.RuntimeLayout;
import java.time.Duration;

/** One control request from a CLI command, with failures turned into operator messages. */
final class ControlCall {

    private ControlCall() {
    }

    static JsonNode call(RuntimeLayout layout, ControlProtocol protocol, ControlRequest request, Duration timeout) {
        try (ControlClient client = new ControlClient(DomainSockets.detect(), protocol)) {
            ControlResponse response = client.send(layout.controlSocket(), request, timeout);
            if (!response.ok()) {
                throw new CommandFailure(request.command() + " refused: " + response.error());
            }
            return response.result();
        } catch (NoRunningInstanceException e) {
            throw new CommandFailure(e.getMessage(), ExitCodes.NOT_RUNNING, e);
        } catch (ControlClientException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
    }
}
