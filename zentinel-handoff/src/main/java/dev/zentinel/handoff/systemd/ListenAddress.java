package dev.zentinel.handoff.systemd;

import dev.zentinel.handoff.HandoffException;
import dev.zentinel.handoff.ListenerAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * A configured listener address ("host:port", "[v6]:port") resolved for comparison with the local
 * address of an activated socket.
 */
record ListenAddress(String text, List<InetAddress> addresses, int port) {

    static ListenAddress resolve(String text) throws HandoffException, UnknownHostException {
        ListenerAddress parsed = ListenerAddress.parse(text);
        return new ListenAddress(text, List.copyOf(Arrays.asList(InetAddress.getAllByName(parsed.host()))),
                parsed.port());
    }

    /**
     * True when the socket is bound to this address: same port and one of the resolved addresses,
     * by the rule {@code ListenerAdopter.adopt} enforces, so a socket matched here is one the adopter
     * accepts. The IPv4 and IPv6 wildcards count as the same address: systemd's "ListenStream=8080"
     * and Netty's bind of "0.0.0.0:8080" both make a dual-stack socket that reads back as [::]:8080.
     */
    boolean matches(InetSocketAddress local) {
        if (local == null || local.getPort() != port) {
            return false;
        }
        InetAddress bound = local.getAddress();
        for (InetAddress candidate : addresses) {
            if (candidate.equals(bound) || (candidate.isAnyLocalAddress() && bound != null && bound.isAnyLocalAddress())) {
                return true;
            }
        }
        return false;
    }
}
