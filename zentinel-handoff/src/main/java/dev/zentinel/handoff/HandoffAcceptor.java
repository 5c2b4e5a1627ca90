package dev.zentinel.handoff;

/**
 * The application's policy on the old side. Called on the handoff connection's event loop: return
 * quickly and never block.
 */
public interface HandoffAcceptor {

    /**
     * A peer with OUR uid connected and sent a valid HELLO. Throw {@link HandoffRefusedException} to
     * refuse (e.g. an upgrade is already in flight, or in spawn mode the pid is not the one spawned):
     * the reason is sent to the peer as REFUSED and logged. Otherwise return what to hand over.
     */
    HandoffOffer offer(PeerInfo peer) throws HandoffRefusedException;

    /** The session runs; the app waits on {@code session.outcome()}. Called after offer() succeeded. */
    void started(HandoffSession session);

    /**
     * A connection ended before a session started: foreign uid, garbage, no common version, refused
     * by {@link #offer}, or a timeout. Already logged; the default does nothing more.
     *
     * @param peer the peer, or null when even its credentials could not be read
     */
    default void rejected(PeerInfo peer, String reason) {
    }
}
