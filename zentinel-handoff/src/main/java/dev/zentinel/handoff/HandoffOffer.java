package dev.zentinel.handoff;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the old process hands to one successor.
 *
 * @param readinessTimeout how long the successor may take, from the moment the offer is sent, to
 *                         report READY; after that the session fails and the successor is told ABORT
 */
public record HandoffOffer(long generation, List<InheritedListener> listeners, StateSnapshot snapshot,
                           Duration readinessTimeout) {

    public static final Duration DEFAULT_READINESS_TIMEOUT = Duration.ofSeconds(30);

    public HandoffOffer {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(readinessTimeout, "readinessTimeout");
        listeners = List.copyOf(listeners);
        if (generation < 0) {
            throw new IllegalArgumentException("generation must be >= 0, got " + generation);
        }
        if (readinessTimeout.isNegative() || readinessTimeout.isZero()) {
            throw new IllegalArgumentException("readinessTimeout must be positive, got " + readinessTimeout);
        }
    }

    public HandoffOffer(long generation, List<InheritedListener> listeners, StateSnapshot snapshot) {
        this(generation, listeners, snapshot, DEFAULT_READINESS_TIMEOUT);
    }
}
