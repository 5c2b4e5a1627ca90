package dev.zentinel.app.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zentinel.app.control.ControlClient;
import dev.zentinel.app.control.ControlProtocol;
import dev.zentinel.app.control.ControlRequest;
import dev.zentinel.app.control.ControlResponse;
import dev.zentinel.app.control.DomainSockets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * Status over a control socket, whichever process answers it: across an upgrade the socket
 * passes from one generation to the next, with a moment in which nobody answers ("not yet").
 */
public final class ControlStatus {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration AWAIT_TIMEOUT = Duration.ofMinutes(2);

    private final Path controlSocket;

    public ControlStatus(Path controlSocket) {
        this.controlSocket = controlSocket;
    }

    /** The status, or null when nothing answers on the socket right now. */
    public JsonNode orNull() {
        try (ControlClient client = new ControlClient(DomainSockets.detect(), new ControlProtocol())) {
            ControlResponse response = client.send(controlSocket, ControlRequest.of("status"), REQUEST_TIMEOUT);
            return response.ok() ? response.result() : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** Polls until a status matches {@code condition}, and returns it. */
    public JsonNode await(String description, Predicate<JsonNode> condition) {
        AtomicReference<JsonNode> matched = new AtomicReference<>();
        Awaitility.await("status: " + description).atMost(AWAIT_TIMEOUT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    JsonNode status = orNull();
                    if (status != null && condition.test(status)) {
                        matched.set(status);
                        return true;
                    }
                    return false;
                });
        return matched.get();
    }
}
