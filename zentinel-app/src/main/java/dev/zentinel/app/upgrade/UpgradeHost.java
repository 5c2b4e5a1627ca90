package dev.zentinel.app.upgrade;

import dev.zentinel.handoff.HandoffOffer;

/**
 * What the upgrade coordinator needs from the running instance. Kept narrow so the coordinator
 * knows nothing of HTTP and the instance knows nothing of the handoff protocol.
 */
public interface UpgradeHost {

    /** Serving -> upgrading; false when this instance is not serving (starting, stopping, handed over). */
    boolean beginHandover();

    /** Upgrading -> serving: the attempt failed for {@code reason} and nothing was given up. */
    void handoverFailed(String reason);

    /** The listener table with this process's fds and the state snapshot, taken now. */
    HandoffOffer offer() throws UpgradeFailedException;

    /**
     * The successor said READY: stop accepting on every listener (closing only this process's
     * own copy of each fd) and give up the singleton endpoints (admin, control, handoff socket)
     * so the successor can take them. Requests already received are still answered.
     */
    void stopAccepting();

    /** The successor took over: drain what is still open, bounded, then exit. */
    void drainAndExit(String reason);

    /** Older generations still draining, this one excluded; bounds upgrades in a row. */
    int drainingGenerations();
}
