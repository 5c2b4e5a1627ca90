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
     * True when the socket is bound to this address: same port and exactly one of the resolved
     * addresses. This is the rule {@code ListenerAdopter.adopt} enforces, so a socket matched here is
     * one the adopter accepts. Wildcards are not folded together: systemd's "ListenStream=8080" binds
     * [::]:8080, which matches a configured "[::]:8080", not "0.0.0.0:8080".
     */
    boolean matches(InetSocketAddress local) {
        return local != null && local.getPort() == port && addresses.contains(local.getAddress());
    }
}
