package dev.zentinel.handoff;

import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;

/** The old side's view of one successor that received an offer. */
public final class HandoffSession {

    private final PeerInfo peer;
    private final Channel channel;
    private final SuccessorConnectionHandler handler;
    private final CompletableFuture<ReadyReport> outcome = new CompletableFuture<>();

    HandoffSession(PeerInfo peer, Channel channel, SuccessorConnectionHandler handler) {
        this.peer = peer;
        this.channel = channel;
        this.handler = handler;
    }

    public PeerInfo peer() {
        return peer;
    }

    /**
     * Completes normally when the successor sent READY; exceptionally (with a
     * {@link HandoffException} whose message says why) on FAILED, disconnect, protocol error, or no
     * READY within the offer's readiness timeout.
     */
    public CompletableFuture<ReadyReport> outcome() {
        return outcome;
    }

    /**
     * Tells the successor that this process stopped accepting; its {@code ready()} completes. Call
     * only after {@link #outcome()} completed normally.
     */
    public void acknowledgeReady() {
        if (!outcome.isDone() || outcome.isCompletedExceptionally()) {
            throw new IllegalStateException("acknowledgeReady() before the successor reported READY (outcome: " + outcome + ")");
        }
        channel.eventLoop().execute(handler::sendReadyAck);
    }

    /** Sends ABORT(reason) if the connection is still open, then closes it; the outcome fails if still pending. */
    public void abort(String reason) {
        channel.eventLoop().execute(() -> handler.abort(Protocol.boundedReason(reason)));
    }

    @Override
    public String toString() {
        return "handoff session with pid " + peer.pid();
    }
}
