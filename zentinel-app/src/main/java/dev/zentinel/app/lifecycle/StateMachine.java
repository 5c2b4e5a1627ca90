package dev.zentinel.app.lifecycle;

import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The instance's state, changed only along {@link InstanceState#canMoveTo} and logged on each change. */
public final class StateMachine {

    private static final Logger log = LoggerFactory.getLogger(StateMachine.class);

    private final AtomicReference<InstanceState> state = new AtomicReference<>(InstanceState.STARTING);

    public InstanceState current() {
        return state.get();
    }

    /**
     * Moves from {@code expected} to {@code next}; returns false (and changes nothing) if the
     * state is no longer {@code expected}, so concurrent requests (stop vs. upgrade) race safely.
     */
    public boolean transition(InstanceState expected, InstanceState next) {
        if (!expected.canMoveTo(next)) {
            throw new IllegalStateException("illegal state change " + expected.label() + " -> " + next.label());
        }
        if (!state.compareAndSet(expected, next)) {
            return false;
        }
        log.info("state {} -> {}", expected.label(), next.label());
        return true;
    }

    /**
     * Moves to draining from serving or from upgrading (a stop may come during an upgrade);
     * false when the instance is not in either (still starting, or already draining or stopped).
     */
    public boolean beginDraining() {
        return transition(InstanceState.SERVING, InstanceState.DRAINING)
                || transition(InstanceState.UPGRADING, InstanceState.DRAINING);
    }
}
