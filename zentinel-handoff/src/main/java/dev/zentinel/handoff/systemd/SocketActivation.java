package dev.zentinel.handoff.systemd;

import dev.zentinel.handoff.HandoffException;
import dev.zentinel.handoff.ListenerEntry;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * systemd socket activation (sd_listen_fds(3)): finds the listening sockets systemd passed as fds
 * 3.. and matches them to configured listeners. The app adopts the matched ones (never binds them)
 * and binds the configured listeners left over.
 */
public final class SocketActivation {

    /** SD_LISTEN_FDS_START. */
    public static final int FIRST_FD = 3;

    /** The most fds accepted from LISTEN_FDS by default: a proxy has a handful of listeners. */
    public static final int DEFAULT_MAX_FDS = 256;

    /** The name sd_listen_fds_with_names(3) gives fds without FileDescriptorName=. */
    public static final String UNNAMED = "unknown";

    private SocketActivation() {
    }

    /**
     * LISTEN_PID must equal ownPid (else empty: the fds are not ours); LISTEN_FDS count from fd 3;
     * LISTEN_FDNAMES colon-separated (names default to "unknown"). At most {@link #DEFAULT_MAX_FDS}.
     *
     * @throws IllegalArgumentException a variable is malformed, the count exceeds the bound, or there
     *     are more names than fds
     */
    public static List<ActivatedSocket> fromEnvironment(Map<String, String> env, long ownPid) {
        return fromEnvironment(env, ownPid, DEFAULT_MAX_FDS);
    }

    /** As {@link #fromEnvironment(Map, long)} with another bound on LISTEN_FDS. */
    public static List<ActivatedSocket> fromEnvironment(Map<String, String> env, long ownPid, int maxFds) {
        if (maxFds < 1) {
            throw new IllegalArgumentException("maxFds must be at least 1, got " + maxFds);
        }
        String pid = env.get(SystemdEnvironment.LISTEN_PID);
        if (pid == null || pid.isEmpty()) {
            return List.of();
        }
        if (SystemdEnvironment.parseNonNegative(SystemdEnvironment.LISTEN_PID, pid) != ownPid) {
            // Inherited from a parent that was activated itself: those fds (if any) are not ours.
            return List.of();
        }
        String fds = env.get(SystemdEnvironment.LISTEN_FDS);
        if (fds == null || fds.isEmpty()) {
            return List.of();
        }
        long count = SystemdEnvironment.parseNonNegative(SystemdEnvironment.LISTEN_FDS, fds);
        if (count > maxFds) {
            throw new IllegalArgumentException("LISTEN_FDS=" + count + " exceeds the limit of " + maxFds + " activated sockets");
        }
        List<String> names = names(env.get(SystemdEnvironment.LISTEN_FDNAMES), (int) count);
        List<ActivatedSocket> sockets = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            int fd = FIRST_FD + i;
            sockets.add(new ActivatedSocket(fd, names.get(i), new FileDescriptor(fd)));
        }
        return List.copyOf(sockets);
    }

    private static List<String> names(String value, int count) {
        List<String> names = new ArrayList<>(Collections.nCopies(count, UNNAMED));
        if (value == null || value.isEmpty()) {
            return names;
        }
        String[] given = value.split(":", -1);
        if (given.length > count) {
            throw new IllegalArgumentException("LISTEN_FDNAMES names " + given.length + " fds but LISTEN_FDS is " + count
                    + ": '" + value + "'");
        }
        for (int i = 0; i < given.length; i++) {
            if (!given[i].isEmpty()) {
                names.set(i, given[i]);
            }
        }
        return names;
    }

    /**
     * Match activated sockets to configured listeners: by name (FileDescriptorName=) first, else by
     * local address (getsockname, compared as resolved address + port). A socket matched by name must
     * also be bound to the listener's address. An activated socket matching no configured listener, a
     * socket that is not a listening TCP socket, or two sockets for one listener -> HandoffException
     * with a clear message naming the fd and its address. Configured listeners left unmatched are simply
     * absent from the result (the app binds them). The result maps listener name to socket, in fd order.
     */
    public static Map<String, ActivatedSocket> match(List<ActivatedSocket> sockets, List<ListenerEntry> configured)
            throws HandoffException {
        if (sockets.isEmpty()) {
            return Map.of();
        }
        Map<String, ListenerEntry> byName = new LinkedHashMap<>();
        for (ListenerEntry entry : configured) {
            if (byName.putIfAbsent(entry.name(), entry) != null) {
                throw new HandoffException("two configured listeners are named '" + entry.name() + "'");
            }
        }
        Map<String, ListenAddress> addresses = resolve(configured);
        Map<ActivatedSocket, SocketDescription> described = new LinkedHashMap<>();
        for (ActivatedSocket socket : sockets) {
            described.put(socket, describe(socket));
        }

        Map<String, ActivatedSocket> matched = new LinkedHashMap<>();
        Map<ActivatedSocket, String> assigned = new HashMap<>();
        // Names first, for every socket, so that an address match can never take a listener that
        // another socket claims by name.
        for (var e : described.entrySet()) {
            ActivatedSocket socket = e.getKey();
            ListenerEntry entry = byName.get(socket.name());
            if (entry == null) {
                continue;
            }
            if (!addresses.get(entry.name()).matches(e.getValue().inetAddress())) {
                throw new HandoffException("activated socket fd " + socket.fdNumber() + " named '" + socket.name()
                        + "' is bound to " + e.getValue().address() + " but listener '" + entry.name()
                        + "' is configured for " + entry.address());
            }
            claim(matched, assigned, entry.name(), socket, e.getValue());
        }
        for (var e : described.entrySet()) {
            ActivatedSocket socket = e.getKey();
            if (assigned.containsKey(socket)) {
                continue;
            }
            List<String> candidates = addresses.entrySet().stream()
                    .filter(a -> a.getValue().matches(e.getValue().inetAddress()))
                    .map(Map.Entry::getKey)
                    .collect(Collectors.toList());
            if (candidates.isEmpty()) {
                throw new HandoffException("activated socket fd " + socket.fdNumber() + " (name '" + socket.name()
                        + "', " + e.getValue().address() + ") matches no configured listener by name or address;"
                        + " configured: " + describe(configured));
            }
            if (candidates.size() > 1) {
                throw new HandoffException("activated socket fd " + socket.fdNumber() + " (" + e.getValue().address()
                        + ") matches several configured listeners by address: " + candidates
                        + "; give it FileDescriptorName= to choose one");
            }
            claim(matched, assigned, candidates.get(0), socket, e.getValue());
        }
        return Collections.unmodifiableMap(matched);
    }

    private static void claim(Map<String, ActivatedSocket> matched, Map<ActivatedSocket, String> assigned, String listener,
            ActivatedSocket socket, SocketDescription description) throws HandoffException {
        ActivatedSocket previous = matched.putIfAbsent(listener, socket);
        if (previous != null) {
            throw new HandoffException("activated sockets fd " + previous.fdNumber() + " and fd " + socket.fdNumber()
                    + " (" + description.address() + ") both match listener '" + listener
                    + "'; one listener takes one socket");
        }
        assigned.put(socket, listener);
    }

    private static SocketDescription describe(ActivatedSocket socket) throws HandoffException {
        SocketDescription description;
        try {
            description = SocketDescription.of(socket.fdNumber());
        } catch (IOException e) {
            throw new HandoffException("activated fd " + socket.fdNumber() + " (name '" + socket.name()
                    + "') is not a usable socket: " + e.getMessage());
        }
        if (!description.isListeningTcp()) {
            throw new HandoffException("activated fd " + socket.fdNumber() + " (name '" + socket.name() + "', "
                    + description.address() + ") is a " + description.kind()
                    + "; Zentinel adopts only listening TCP sockets (ListenStream=)");
        }
        return description;
    }

    private static Map<String, ListenAddress> resolve(List<ListenerEntry> configured) throws HandoffException {
        Map<String, ListenAddress> resolved = new LinkedHashMap<>();
        for (ListenerEntry entry : configured) {
            try {
                resolved.put(entry.name(), ListenAddress.resolve(entry.address()));
            } catch (UnknownHostException | HandoffException e) {
                throw new HandoffException("listener '" + entry.name() + "' address '" + entry.address()
                        + "' cannot be resolved: " + e.getMessage());
            }
        }
        return resolved;
    }

    private static String describe(List<ListenerEntry> configured) {
        return configured.isEmpty() ? "none"
                : configured.stream().map(e -> e.name() + "=" + e.address()).collect(Collectors.joining(", "));
    }
}
