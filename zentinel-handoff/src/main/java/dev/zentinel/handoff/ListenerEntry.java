package dev.zentinel.handoff;

import java.util.Objects;

/**
 * One row of the listener table passed to a successor: the listener's stable name and its
 * configured address ("host:port", IPv6 as "[v6]:port"). A successor adopts an inherited socket
 * only when both match its own configuration.
 */
public record ListenerEntry(String name, String address) {

    /** Upper bound on name and address length; keeps the listener table frame small and logs sane. */
    public static final int MAX_FIELD_LENGTH = 255;

    public ListenerEntry {
        Objects.requireNonNull(name, "listener name");
        Objects.requireNonNull(address, "listener address");
        if (name.isBlank() || name.length() > MAX_FIELD_LENGTH) {
            throw new IllegalArgumentException("listener name must be 1.." + MAX_FIELD_LENGTH + " characters, got '" + name + "'");
        }
        if (address.isBlank() || address.length() > MAX_FIELD_LENGTH) {
            throw new IllegalArgumentException("listener address must be 1.." + MAX_FIELD_LENGTH + " characters, got '" + address + "'");
        }
    }
}
