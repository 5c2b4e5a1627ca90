package dev.zentinel.handoff;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Test acceptor: answers offers from a replaceable policy and records sessions and rejections. */
final class TestAcceptor implements HandoffAcceptor {

    interface Policy {
        HandoffOffer offer(PeerInfo peer) throws HandoffRefusedException;
    }

    private volatile Policy policy;
    private final BlockingQueue<HandoffSession> sessions = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> rejections = new LinkedBlockingQueue<>();

    TestAcceptor(Policy policy) {
        this.policy = policy;
    }

    void policy(Policy next) {
        this.policy = next;
    }

    @Override
    public HandoffOffer offer(PeerInfo peer) throws HandoffRefusedException {
        return policy.offer(peer);
    }

    @Override
    public void started(HandoffSession session) {
        sessions.add(session);
    }

    @Override
    public void rejected(PeerInfo peer, String reason) {
        rejections.add(reason);
    }

    HandoffSession nextSession() throws InterruptedException {
        HandoffSession s = sessions.poll(30, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("no handoff session started within 30 s");
        }
        return s;
    }

    String nextRejection() throws InterruptedException {
        String r = rejections.poll(30, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no rejection reported within 30 s");
        }
        return r;
    }

    boolean noSessionStarted() {
        return sessions.isEmpty();
    }
}
