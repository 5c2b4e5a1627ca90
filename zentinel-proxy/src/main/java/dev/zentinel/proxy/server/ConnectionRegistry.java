package dev.zentinel.proxy.server;

import dev.zentinel.proxy.http.ClientConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open client connections of one server, so that a drain can reach every one of them and
 * learn when the last one is gone. Touched once per connection open/close, never per request.
 */
final class ConnectionRegistry {

    private final Set<ClientConnection> live = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> empty = new CompletableFuture<>();
    private volatile long drainQuietNanos = -1;

    void add(ClientConnection connection) {
        live.add(connection);
        long quiet = drainQuietNanos;
        if (quiet >= 0) {
            // Accepted just before the listeners closed: serve it, but as a draining connection.
            connection.channel().eventLoop().execute(() -> connection.beginDrain(quiet));
        }
    }

    void remove(ClientConnection connection) {
        live.remove(connection);
        if (drainQuietNanos >= 0 && live.isEmpty()) {
            empty.complete(null);
        }
    }

    int size() {
        return live.size();
    }

    /** Puts every connection (and every later one) into draining mode; the future completes when none is left. */
    CompletableFuture<Void> drain(long quietNanos) {
        drainQuietNanos = quietNanos;
        for (ClientConnection connection : live) {
            connection.channel().eventLoop().execute(() -> connection.beginDrain(quietNanos));
        }
        if (live.isEmpty()) {
            empty.complete(null);
        }
        return empty;
    }

    /** Closes every remaining connection now; returns how many there were. */
    int closeAll() {
        List<ClientConnection> snapshot = new ArrayList<>(live);
        snapshot.forEach(c -> c.channel().close());
        return snapshot.size();
    }
}
