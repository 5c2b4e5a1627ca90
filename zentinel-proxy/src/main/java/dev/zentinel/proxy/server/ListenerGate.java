package dev.zentinel.proxy.server;

import java.util.concurrent.atomic.AtomicInteger;

/** Admission control for one listener: at most {@code max-connections} open client connections. */
final class ListenerGate {

    private final String name;
    private final int maxConnections;
    private final AtomicInteger active = new AtomicInteger();

    ListenerGate(String name, int maxConnections) {
        this.name = name;
        this.maxConnections = maxConnections;
    }

    String name() {
        return name;
    }

    /** Takes a slot; false (and nothing taken) when the listener is full. */
    boolean tryAdmit() {
        while (true) {
            int now = active.get();
            if (now >= maxConnections) {
                return false;
            }
            if (active.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void release() {
        active.decrementAndGet();
    }

    int active() {
        return active.get();
    }
}
