package dev.zentinel.handoff;

import io.netty.channel.unix.FileDescriptor;
import java.util.Objects;

/**
 * A listener table row together with its socket. On the old side the descriptor is the old
 * process's own copy (it stays open there); on the new side it is the received copy, owned by the
 * new process (adopt it with {@link ListenerAdopter} or close it).
 */
public record InheritedListener(ListenerEntry entry, FileDescriptor fd) {

    public InheritedListener {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(fd, "fd");
    }
}
