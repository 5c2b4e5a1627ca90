package dev.zentinel.app.lifecycle;

import dev.zentinel.app.upgrade.Predecessor;
import dev.zentinel.proxy.server.ListenerOpener;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How this process came to be: a fresh start binds its listeners at generation 1; a process
 * started by an upgrade adopts inherited listening sockets (through its own {@link ListenerOpener}),
 * continues the predecessor's counters, runs at the next generation and tells the predecessor
 * when it is ready.
 *
 * @param generation        1 for a fresh start, predecessor's + 1 after an upgrade
 * @param listenerOpener    binds, or adopts inherited sockets
 * @param inheritedCounters metric counters to continue from (empty for a fresh start)
 * @param predecessor       the process handing over to this one; empty for a fresh start
 */
public record Launch(long generation, ListenerOpener listenerOpener, Map<String, Double> inheritedCounters,
        Optional<Predecessor> predecessor) {

    public Launch {
        if (generation < 1) {
            throw new IllegalArgumentException("generation must be >= 1: " + generation);
        }
        Objects.requireNonNull(listenerOpener, "listenerOpener");
        inheritedCounters = Map.copyOf(inheritedCounters);
        Objects.requireNonNull(predecessor, "predecessor");
    }

    public static Launch fresh() {
        return new Launch(1, ListenerOpener.binding(), Map.of(), Optional.empty());
    }

    /** A fresh start refuses to run beside a live instance; a successor deliberately starts beside its predecessor. */
    public boolean freshStart() {
        return predecessor.isEmpty();
    }
}
