package dev.zentinel.proxy.server;

import dev.zentinel.proxy.http.ClientConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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

    /** {@link #drain(long, long)} with every connection told at once. */
    CompletableFuture<Void> drain(long quietNanos) {
        return drain(quietNanos, 0);
    }

    /**
     * Puts every connection (and every later one) into draining mode; the future completes when
     * none is left. With a positive {@code spreadNanos} the connections open now are told one
     * after another, evenly over that window (the first at once), so that their clients reconnect
     * to a successor a few at a time instead of all in the same instant. Connections accepted
     * during the drain are told at once: they arrived just before the listeners closed.
     */
    CompletableFuture<Void> drain(long quietNanos, long spreadNanos) {
        drainQuietNanos = quietNanos;
        List<ClientConnection> open = snapshot();
        int count = open.size();
        for (int i = 0; i < count; i++) {
            ClientConnection connection = open.get(i);
            drainedTotal.incrementAndGet();
            long delayNanos = spreadNanos > 0 ? spreadNanos / count * i : 0;
            if (delayNanos == 0) {
                connection.channel().eventLoop().execute(() -> connection.beginDrain(quietNanos));
            } else {
                connection.channel().eventLoop().schedule(() -> connection.beginDrain(quietNanos), delayNanos,
                        TimeUnit.NANOSECONDS);
            }
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
