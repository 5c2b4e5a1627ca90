package dev.zentinel.handoff.systemd;

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

    static ListenAddress resolve(String text) throws UnknownHostException {
        String s = text.trim();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("address must be [ipv6]:port, got '" + text + "'");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || s.indexOf(':') != colon) {
                throw new IllegalArgumentException("address must be host:port, got '" + text + "'");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port must be a number in '" + text + "'");
        }
        if (number < 0 || number > 65535) {
            throw new IllegalArgumentException("port out of range 0..65535 in '" + text + "'");
        }
        return new ListenAddress(text, List.copyOf(Arrays.asList(InetAddress.getAllByName(host))), number);
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
