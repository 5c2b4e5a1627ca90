package dev.zentinel.proxy.server;

import dev.zentinel.proxy.http.ClientConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open client connections of one server, so that a drain can reach every one of them and
 * learn when the last one is gone. Touched once per connection open/close, never per request.
 */
final class ConnectionRegistry {

    private final Set<ClientConnection> live = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> empty = new CompletableFuture<>();
    private volatile long drainQuietNanos = -1;
    /** Connections that were open when the drain began or were accepted during it. */
    private final AtomicInteger drainedTotal = new AtomicInteger();

    void add(ClientConnection connection) {
        live.add(connection);
        long quiet = drainQuietNanos;
        if (quiet >= 0) {
            drainedTotal.incrementAndGet();
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
            drainedTotal.incrementAndGet();
            connection.channel().eventLoop().execute(() -> connection.beginDrain(quietNanos));
        }
        if (live.isEmpty()) {
            empty.complete(null);
        }
        return empty;
    }

    /** How many connections the drain has dealt with so far (see {@link #drain}). */
    int drainedTotal() {
        return drainedTotal.get();
    }

    /** The connections open right now. */
    List<ClientConnection> snapshot() {
        return new ArrayList<>(live);
    }

    /** Closes every remaining connection now. */
    void closeAll() {
        close(snapshot());
    }

    static void close(List<ClientConnection> connections) {
        connections.forEach(c -> c.channel().close());
    }
}
