package dev.zentinel.app.lifecycle;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Older generations of this proxy that are still draining after handing over to this one, as
 * shown in status. Empty after a fresh start; the upgrade coordinator adds a predecessor when it
 * takes over and removes it when that process has exited.
 */
public final class DrainingGenerations {

    /** A predecessor process still finishing its connections. */
    public record Entry(long pid, long generation, Instant drainingSince) {
    }

    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    public void add(Entry entry) {
        entries.add(entry);
    }

    public void remove(long pid) {
        entries.removeIf(e -> e.pid() == pid);
    }

    public List<Entry> list() {
        return List.copyOf(entries);
    }
}
