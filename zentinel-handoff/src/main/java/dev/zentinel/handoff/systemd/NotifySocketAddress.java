package dev.zentinel.handoff.systemd;

import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Parses the value of NOTIFY_SOCKET: a filesystem path ("/run/systemd/notify") or a Linux
 * abstract socket name written with a leading '@' ("@/org/freedesktop/systemd1/notify"), which on the
 * wire is a leading NUL byte. Other forms (relative paths, systemd 254's "vsock:") are rejected with a
 * clear message rather than silently ignored: a service that never says READY=1 is killed at its start
 * timeout, which is much harder to diagnose.
 */
final class NotifySocketAddress {

    /** sizeof(sockaddr_un.sun_path) on Linux. */
    static final int MAX_ADDRESS_BYTES = 108;

    private NotifySocketAddress() {
    }

    static DomainSocketAddress parse(String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("NOTIFY_SOCKET is empty");
        }
        String address;
        if (value.charAt(0) == '/') {
            address = value;
        } else if (value.charAt(0) == '@') {
            if (value.length() == 1) {
                throw new IllegalArgumentException("NOTIFY_SOCKET '@' names no abstract socket");
            }
            address = '\0' + value.substring(1);
        } else {
            throw new IllegalArgumentException("NOTIFY_SOCKET must be an absolute path or an abstract '@name' socket,"
                    + " got '" + value + "' (other forms such as vsock: are not supported)");
        }
        if (address.indexOf('\0', 1) >= 0) {
            throw new IllegalArgumentException("NOTIFY_SOCKET contains a NUL character");
        }
        int bytes = address.getBytes(StandardCharsets.UTF_8).length;
        // A path needs room for its terminating NUL; an abstract name is length-delimited.
        int limit = address.charAt(0) == '/' ? MAX_ADDRESS_BYTES - 1 : MAX_ADDRESS_BYTES;
        if (bytes > limit) {
            throw new IllegalArgumentException("NOTIFY_SOCKET is " + bytes + " bytes long, the limit is " + limit
                    + ": '" + value + "'");
        }
        return new DomainSocketAddress(address);
    }

    /** The operator-facing spelling of an address: abstract names get their '@' back. */
    static String describe(DomainSocketAddress address) {
        String path = address.path();
        return !path.isEmpty() && path.charAt(0) == '\0' ? '@' + path.substring(1) : path;
    }
}
