package dev.zentinel.handoff;

import io.netty.channel.Channel;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * New side of an accepted handoff: what the predecessor passed, and the channel back to it for
 * READY or FAILED. The received descriptors belong to this process.
 */
public final class IncomingHandoff implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IncomingHandoff.class);

    private final PeerInfo predecessor;
    private final long generation;
    private final List<InheritedListener> listeners;
    private final StateSnapshot snapshot;
    private final Channel channel;
    private final PredecessorConnectionHandler handler;

    IncomingHandoff(PeerInfo predecessor, long generation, List<InheritedListener> listeners, StateSnapshot snapshot,
                    Channel channel, PredecessorConnectionHandler handler) {
        this.predecessor = predecessor;
        this.generation = generation;
        this.listeners = List.copyOf(listeners);
        this.snapshot = snapshot;
        this.channel = channel;
        this.handler = handler;
    }

    public PeerInfo predecessor() {
        return predecessor;
    }

    /** The predecessor's generation; the successor runs generation() + 1. */
    public long generation() {
        return generation;
    }

    public List<InheritedListener> listeners() {
        return listeners;
    }

    public StateSnapshot snapshot() {
        return snapshot;
    }

    /**
     * Sends READY; completes when the predecessor acknowledged (it stopped accepting). Fails with a
     * {@link HandoffException} if it aborted or did not answer within the io timeout, and with a
     * {@link PredecessorGoneException} if it disconnected without a word (it died: serve alone).
     */
    public CompletableFuture<Void> ready(String ownVersion, Duration startup) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        channel.eventLoop().execute(() -> handler.sendReady(ownVersion == null ? "unknown" : ownVersion,
                startup == null ? Duration.ZERO : startup, acknowledged));
        return acknowledged;
    }

    /** Sends FAILED(reason) and closes; the predecessor keeps serving. Does not close the descriptors. */
    public void fail(String reason) {
        channel.eventLoop().execute(() -> handler.sendFailed(Protocol.boundedReason(reason)));
    }

    /** Completes when the connection to the predecessor is closed, for whatever reason. */
    public CompletableFuture<Void> closed() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        channel.closeFuture().addListener(f -> done.complete(null));
        return done;
    }

    /**
     * Closes the received descriptors whose listener is not named in {@code adoptedNames}; call it
     * once every adoption is done. Adopted descriptors belong to their channels and must not be
     * closed here (the number could already be reused). Returns how many were closed.
     */
    public int closeUnadopted(Collection<String> adoptedNames) {
        int closed = 0;
        for (InheritedListener l : listeners) {
            if (!adoptedNames.contains(l.entry().name()) && l.fd().isOpen()) {
                try {
                    l.fd().close();
                    closed++;
                    log.info("handoff: closed unused inherited listener '{}' ({})", l.entry().name(), l.entry().address());
                } catch (IOException e) {
                    log.warn("handoff: cannot close inherited listener '{}': {}", l.entry().name(), e.getMessage());
                }
            }
        }
        return closed;
    }

    /** Closes the connection to the predecessor (not the descriptors). */
    @Override
    public void close() {
        channel.close();
    }
}
