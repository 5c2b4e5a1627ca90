package dev.zentinel.app.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports that were free a moment ago, never the same one twice from one instance.
 *
 * <p>They are taken below the kernel's ephemeral range (ip_local_port_range): a port from that
 * range can be handed out again as the source port of any outgoing connection, e.g. one of the
 * proxy's own upstream connections, between the check here and the process binding it (seen once
 * as "Address already in use" for an admin port in UpgradeIT). Below it, only another explicit
 * bind can take the port. Where the range cannot be read, the kernel picks (port 0).
 */
public final class FreePorts {

    private static final int MAX_ATTEMPTS = 200;
    private static final int LOWEST = 10_000;
    /** Fewer ports than this below the ephemeral range: let the kernel pick instead. */
    private static final int MIN_RANGE = 1_000;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    private final Set<Integer> handedOut = new HashSet<>();
    private final int ephemeralStart = ephemeralStart();

    public synchronized int next() {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            int candidate = ephemeralStart - LOWEST >= MIN_RANGE
                    ? ThreadLocalRandom.current().nextInt(LOWEST, ephemeralStart) : 0;
            if (candidate != 0 && handedOut.contains(candidate)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), candidate));
                if (handedOut.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (BindException inUse) {
                // Someone else's: try another.
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port", e);
            }
        }
        throw new IllegalStateException("no new free port after " + MAX_ATTEMPTS + " attempts");
    }

    private static int ephemeralStart() {
        try {
            String[] range = Files.readString(EPHEMERAL_RANGE).trim().split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
