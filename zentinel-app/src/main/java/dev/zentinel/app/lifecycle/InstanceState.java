package dev.zentinel.app.lifecycle;

import java.util.Locale;

/**
 * Where this process is in its life. An instance starts, serves, may hand over to a successor
 * (upgrading), drains and stops; a failed upgrade returns it to serving.
 */
public enum InstanceState {
    STARTING, SERVING, UPGRADING, DRAINING, STOPPED;

    /** The spelling used in status JSON and logs. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    boolean canMoveTo(InstanceState next) {
        return switch (this) {
            case STARTING -> next == SERVING || next == STOPPED;
            case SERVING -> next == UPGRADING || next == DRAINING;
            case UPGRADING -> next == SERVING || next == DRAINING;
            case DRAINING -> next == STOPPED;
            case STOPPED -> false;
        };
    }
}
