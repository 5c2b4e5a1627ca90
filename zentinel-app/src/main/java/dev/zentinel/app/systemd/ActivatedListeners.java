package dev.zentinel.app.systemd;

import dev.zentinel.app.upgrade.InheritedListeners;
import dev.zentinel.handoff.HandoffException;
import dev.zentinel.handoff.InheritedListener;
import dev.zentinel.handoff.ListenerEntry;
import dev.zentinel.handoff.systemd.ActivatedSocket;
import dev.zentinel.handoff.systemd.SocketActivation;
import dev.zentinel.proxy.config.ListenerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listening sockets passed by systemd socket activation (LISTEN_PID/LISTEN_FDS/LISTEN_FDNAMES),
 * matched to the configured listeners by name (FileDescriptorName=) or address. They are adopted
 * exactly like sockets inherited in an upgrade: registered, never bound.
 */
public final class ActivatedListeners {

    private static final Logger log = LoggerFactory.getLogger(ActivatedListeners.class);

    private ActivatedListeners() {
    }

    /** Empty when this process was not socket-activated; otherwise the adopted sockets. */
    public static Optional<InheritedListeners> fromEnvironment(Map<String, String> environment, long pid,
            List<ListenerConfig> configured) throws HandoffException {
        List<ActivatedSocket> sockets;
        try {
            sockets = SocketActivation.fromEnvironment(environment, pid);
        } catch (IllegalArgumentException e) {
            throw new HandoffException("socket activation: " + e.getMessage());
        }
        if (sockets.isEmpty()) {
            return Optional.empty();
        }
        List<ListenerEntry> entries = new ArrayList<>();
        for (ListenerConfig listener : configured) {
            entries.add(new ListenerEntry(listener.name(), listener.address().toString()));
        }
        Map<String, ActivatedSocket> matched = SocketActivation.match(sockets, entries);
        List<InheritedListener> inherited = new ArrayList<>();
        for (ListenerEntry entry : entries) {
            ActivatedSocket socket = matched.get(entry.name());
            if (socket != null) {
                inherited.add(new InheritedListener(entry, socket.fd()));
            }
        }
        log.info("socket activation: {} socket(s) for listener(s) {}", sockets.size(), matched.keySet());
        return Optional.of(InheritedListeners.adopt(inherited, configured));
    }
}
