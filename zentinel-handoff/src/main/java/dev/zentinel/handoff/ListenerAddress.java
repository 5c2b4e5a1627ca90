package dev.zentinel.handoff;

/**
 * A listener table address, "host:port" or "[v6]:port", split into its parts. The one parser of
 * listener addresses in this module (inherited and socket-activated listeners alike).
 */
public record ListenerAddress(String host, int port) {

    public static ListenerAddress parse(String text) throws HandoffException {
        String s = text == null ? "" : text.trim();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new HandoffException("listener address must be [ipv6]:port, got '" + text + "'");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || s.indexOf(':') != colon) {
                throw new HandoffException("listener address must be host:port, got '" + text + "'");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 0 || p > 65535 || host.isEmpty()) {
                throw new NumberFormatException();
            }
            return new ListenerAddress(host, p);
        } catch (NumberFormatException e) {
            throw new HandoffException("listener address needs a host and a port in 0..65535, got '" + text + "'");
        }
    }
}
