package dev.zentinel.app.control;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;

/**
 * A command served on the control socket. The returned future's value becomes the response's
 * {@code result}; a future failed with {@link ControlCommandException} becomes an error response
 * carrying its message. A command must bound its own running time.
 *
 * <p>{@code peer} is the connected process as the kernel reports it (its uid has already been
 * checked against the instance's own).
 */
@FunctionalInterface
public interface ControlCommand {

    CompletableFuture<JsonNode> execute(ControlRequest request, ControlPeer peer);
}
