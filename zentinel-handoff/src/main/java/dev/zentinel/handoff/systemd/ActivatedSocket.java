package dev.zentinel.handoff.systemd;

import io.netty.channel.unix.FileDescriptor;
import java.util.Objects;

/**
 * One socket passed by systemd socket activation: its fd number (3, 4, ...), its name from
 * FileDescriptorName= ("unknown" when unnamed) and the fd itself, owned by this process.
 */
public record ActivatedSocket(int fdNumber, String name, FileDescriptor fd) {

    public ActivatedSocket {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fd, "fd");
        if (fdNumber < SocketActivation.FIRST_FD || fd.intValue() != fdNumber) {
            throw new IllegalArgumentException("activated fd number must be >= " + SocketActivation.FIRST_FD
                    + " and match the descriptor, got " + fdNumber + " for " + fd);
        }
    }
}
