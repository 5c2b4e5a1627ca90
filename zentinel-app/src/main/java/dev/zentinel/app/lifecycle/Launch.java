package dev.zentinel.app.lifecycle;

import dev.zentinel.proxy.server.ListenerOpener;
import java.util.Map;
import java.util.Objects;

/**
 * How this process came to be: a fresh start binds its listeners at generation 1; a process
 * started by an upgrade adopts inherited listening sockets (through its own {@link ListenerOpener}),
 * continues the predecessor's counters and runs at the next generation.
 *
 * @param generation        1 for a fresh start, predecessor's + 1 after an upgrade
 * @param listenerOpener    binds, or adopts inherited sockets
 * @param inheritedCounters metric counters to continue from (empty for a fresh start)
 * @param freshStart        whether this is a fresh start (which refuses to run beside a live instance)
 */
public record Launch(long generation, ListenerOpener listenerOpener, Map<String, Double> inheritedCounters,
        boolean freshStart) {

    public Launch {
        if (generation < 1) {
            throw new IllegalArgumentException("generation must be >= 1: " + generation);
        }
        Objects.requireNonNull(listenerOpener, "listenerOpener");
        inheritedCounters = Map.copyOf(inheritedCounters);
    }

    public static Launch fresh() {
        return new Launch(1, ListenerOpener.binding(), Map.of(), true);
    }
}
