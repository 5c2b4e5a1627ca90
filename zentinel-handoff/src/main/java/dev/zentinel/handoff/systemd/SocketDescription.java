package dev.zentinel.handoff.systemd;

import io.netty.channel.ChannelException;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * What the kernel says about an inherited fd: address family, socket type, whether it listens, and
 * its local address (getsockname). Linux only; the option numbers are those of Linux on x86-64 and
 * aarch64.
 */
record SocketDescription(int family, int type, boolean listening, InetSocketAddress inetAddress, String address) {

    static final int AF_UNIX = 1;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_STREAM = 1;
    private static final int SOL_SOCKET = 1;
    private static final int SO_TYPE = 3;
    private static final int SO_ACCEPTCONN = 30;
    private static final int SO_DOMAIN = 39;

    /** @throws IOException the fd is not open or not a socket (the message carries the errno text) */
    static SocketDescription of(int fd) throws IOException {
        Epoll.ensureAvailability();
        // A view on the fd for the getsockopt/getsockname calls; it owns nothing and is never closed.
        Socket socket;
        try {
            socket = new Socket(fd);
        } catch (ChannelException e) {
            // The constructor already calls getsockname (to learn the family) and wraps its errno.
            throw new IOException(e.getMessage(), e);
        }
        int family = socket.getIntOpt(SOL_SOCKET, SO_DOMAIN);
        int type = socket.getIntOpt(SOL_SOCKET, SO_TYPE);
        boolean listening = socket.getIntOpt(SOL_SOCKET, SO_ACCEPTCONN) != 0;
        InetSocketAddress inet = null;
        String address;
        if (family == AF_INET || family == AF_INET6) {
            inet = socket.localAddress();
            address = inet == null ? "unknown address" : format(inet);
        } else if (family == AF_UNIX) {
            var unix = socket.localDomainSocketAddress();
            address = unix == null ? "unix socket" : "unix:" + unix.path().replace('\0', '@');
        } else {
            address = "address family " + family;
        }
        return new SocketDescription(family, type, listening, inet, address);
    }

    boolean isListeningTcp() {
        return (family == AF_INET || family == AF_INET6) && type == SOCK_STREAM && listening && inetAddress != null;
    }

    String kind() {
        String proto = switch (family) {
            case AF_INET, AF_INET6 -> type == SOCK_STREAM ? "TCP" : "non-stream IP";
            case AF_UNIX -> "unix";
            default -> "family " + family;
        };
        return (listening ? "listening " : "non-listening ") + proto + " socket";
    }

    static String format(InetSocketAddress address) {
        String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + address.getPort() : host + ":" + address.getPort();
    }
}
