package dev.zentinel.app.lifecycle;

import dev.zentinel.app.control.ControlClient;
import dev.zentinel.app.control.ControlClientException;
import dev.zentinel.app.control.ControlProtocol;
import dev.zentinel.app.control.ControlRequest;
import dev.zentinel.app.control.ControlResponse;
import dev.zentinel.app.control.DomainSockets;
import dev.zentinel.app.control.NoRunningInstanceException;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a fresh start from running beside a live instance that shares its runtime directory:
 * whoever answers on the control socket is alive. A socket file nobody listens on is stale and
 * will be replaced.
 */
final class LiveInstanceGuard {

    private static final Logger log = LoggerFactory.getLogger(LiveInstanceGuard.class);

    private LiveInstanceGuard() {
    }

    static void refuseIfRunning(Path controlSocket, DomainSockets sockets, ControlProtocol protocol, Duration timeout)
            throws StartupException {
        try (ControlClient client = new ControlClient(sockets, protocol)) {
            ControlResponse response = client.send(controlSocket, ControlRequest.of("status"), timeout);
            String pid = response.ok() ? response.result().path("pid").asText("?") : "?";
            throw new StartupException("already running, pid " + pid + " (control socket " + controlSocket
                    + "); stop it first or use another runtime.directory", null);
        } catch (NoRunningInstanceException e) {
            if (e.staleSocket()) {
                log.info("replacing stale control socket {}", controlSocket);
            }
        } catch (ControlClientException e) {
            throw new StartupException("a process listens on " + controlSocket + " but does not answer ("
                    + e.getMessage() + "); if no zentinel is running there, remove the file", e);
        }
    }
}
