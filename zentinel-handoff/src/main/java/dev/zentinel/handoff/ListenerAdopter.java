package dev.zentinel.handoff;

import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Adopts an inherited (or socket-activated) listening TCP socket as a Netty server channel without
 * binding: the kernel's accept queue, including connections already waiting in it, carries over.
 */
public final class ListenerAdopter {

    // Linux socket option and family numbers (asm-generic/socket.h, sys/socket.h, netinet/in.h).
    private static final int SOL_SOCKET = 1;
    private static final int SO_TYPE = 3;
    private static final int SO_ACCEPTCONN = 30;
    private static final int SO_PROTOCOL = 38;
    private static final int SO_DOMAIN = 39;
    private static final int AF_UNIX = 1;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_STREAM = 1;
    private static final int IPPROTO_TCP = 6;

    private ListenerAdopter() {
    }

    /**
     * Returns a new, unregistered {@link EpollServerSocketChannel} on {@code fd} after checking that
     * it is a listening TCP socket bound to {@code expected.address()} (port exactly, host as
     * resolved address). On success the channel owns the descriptor: closing the channel closes
     * it, so never close {@code fd} yourself afterwards. On failure {@code fd} is left untouched.
     */
    public static ServerChannel adopt(FileDescriptor fd, ListenerEntry expected) throws HandoffException {
        if (!Epoll.isAvailable()) {
            throw new HandoffException("fd adoption needs epoll (Linux); it is unavailable here: " + Epoll.unavailabilityCause());
        }
        if (fd == null || !fd.isOpen()) {
            throw new HandoffException("listener '" + expected.name() + "': descriptor " + fd + " is not open");
        }
        ListenerAddress want = ListenerAddress.parse(expected.address());
        Socket view;
        try {
            view = new Socket(fd.intValue());
        } catch (RuntimeException e) {
            throw new HandoffException("listener '" + expected.name() + "' (fd " + fd.intValue() + ") is not a socket: " + e.getMessage(), e);
        }
        InetSocketAddress local = verifyListeningTcp(view, expected);
        if (local.getPort() != want.port()) {
            throw new HandoffException("listener '" + expected.name() + "': inherited socket is bound to " + format(local)
                    + ", expected port " + want.port() + " (" + expected.address() + ")");
        }
        InetAddress[] wanted;
        try {
            wanted = InetAddress.getAllByName(want.host());
        } catch (UnknownHostException e) {
            throw new HandoffException("listener '" + expected.name() + "': cannot resolve host '" + want.host() + "'", e);
        }
        if (Arrays.stream(wanted).noneMatch(a -> sameHost(a, local.getAddress()))) {
            throw new HandoffException("listener '" + expected.name() + "': inherited socket is bound to " + format(local)
                    + ", expected " + expected.address() + " (resolves to " + Arrays.toString(wanted) + ")");
        }
        try {
            return new EpollServerSocketChannel(fd.intValue());
        } catch (RuntimeException e) {
            throw new HandoffException("listener '" + expected.name() + "': cannot wrap descriptor " + fd.intValue() + ": " + e, e);
        }
    }

    /** A one-line description for logs, e.g. "tcp 127.0.0.1:8080 listening"; never throws. */
    public static String describe(FileDescriptor fd) {
        if (fd == null) {
            return "no descriptor";
        }
        if (!fd.isOpen()) {
            return "closed descriptor " + fd.intValue();
        }
        if (!Epoll.isAvailable()) {
            return "fd " + fd.intValue() + " (cannot inspect without epoll)";
        }
        try {
            Socket view = new Socket(fd.intValue());
            int domain = view.getIntOpt(SOL_SOCKET, SO_DOMAIN);
            int type = view.getIntOpt(SOL_SOCKET, SO_TYPE);
            boolean listening = view.getIntOpt(SOL_SOCKET, SO_ACCEPTCONN) != 0;
            String state = listening ? "listening" : "not listening";
            if (domain == AF_UNIX) {
                return "unix " + (type == SOCK_STREAM ? "stream" : "type " + type) + " socket, " + state;
            }
            if (domain != AF_INET && domain != AF_INET6) {
                return "socket family " + domain + " type " + type + ", " + state;
            }
            String proto = type == SOCK_STREAM ? "tcp" : "udp";
            InetSocketAddress local = view.localAddress();
            return proto + " " + (local == null ? "unbound" : format(local)) + " " + state;
        } catch (IOException | RuntimeException e) {
            return "fd " + fd.intValue() + " (not a socket: " + e.getMessage() + ")";
        }
    }

    private static InetSocketAddress verifyListeningTcp(Socket view, ListenerEntry expected) throws HandoffException {
        String what = "listener '" + expected.name() + "' (fd " + view.intValue() + ")";
        try {
            int domain = view.getIntOpt(SOL_SOCKET, SO_DOMAIN);
            int type = view.getIntOpt(SOL_SOCKET, SO_TYPE);
            int protocol = view.getIntOpt(SOL_SOCKET, SO_PROTOCOL);
            if ((domain != AF_INET && domain != AF_INET6) || type != SOCK_STREAM || protocol != IPPROTO_TCP) {
                throw new HandoffException(what + " is not a TCP socket: " + describe(view));
            }
            if (view.getIntOpt(SOL_SOCKET, SO_ACCEPTCONN) == 0) {
                throw new HandoffException(what + " is a TCP socket that is not listening: " + describe(view));
            }
            InetSocketAddress local = view.localAddress();
            if (local == null) {
                throw new HandoffException(what + " has no local address");
            }
            return local;
        } catch (IOException e) {
            throw new HandoffException(what + " is not a socket: " + e.getMessage(), e);
        }
    }

    /**
     * Wildcards are interchangeable: Netty binds a configured 0.0.0.0 on a dual-stack IPv6 socket,
     * whose local address then reads back as ::.
     */
    private static boolean sameHost(InetAddress configured, InetAddress bound) {
        if (configured.isAnyLocalAddress() && bound != null && bound.isAnyLocalAddress()) {
            return true;
        }
        return configured.equals(bound);
    }

    static String format(InetSocketAddress a) {
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
