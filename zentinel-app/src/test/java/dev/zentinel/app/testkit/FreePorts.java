package dev.zentinel.app.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Loopback ports that were free a moment ago, never the same one twice from one instance. The
 * kernel may still hand a returned port to someone else before the test binds it; the ephemeral
 * range is large enough that this is rare, and a clash shows as a clear bind error.
 */
public final class FreePorts {

    private static final int MAX_ATTEMPTS = 100;

    private final Set<Integer> handedOut = new HashSet<>();

    public synchronized int next() {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                if (handedOut.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port", e);
            }
        }
        throw new IllegalStateException("no new free port after " + MAX_ATTEMPTS + " attempts");
    }
}
