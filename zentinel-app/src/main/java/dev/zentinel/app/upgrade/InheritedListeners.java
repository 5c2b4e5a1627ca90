package dev.zentinel.app.upgrade;

import dev.zentinel.handoff.HandoffException;
import dev.zentinel.handoff.InheritedListener;
import dev.zentinel.handoff.ListenerAdopter;
import dev.zentinel.handoff.ListenerEntry;
import dev.zentinel.proxy.config.HostPort;
import dev.zentinel.proxy.config.ListenerConfig;
import dev.zentinel.proxy.server.ListenerOpener;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.bootstrap.ServerBootstrapConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.ServerChannel;
import io.netty.util.AttributeKey;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pairs the listening sockets a predecessor handed over with this process's configured
 * listeners. A configured listener whose socket was inherited is adopted (registered, never
 * bound: the kernel's accept queue carries on); one that was not is bound fresh; an inherited
 * socket nothing asks for is closed here (the predecessor closes its own copy when it stops
 * accepting, and then the port is released).
 */
public final class InheritedListeners {

    private static final Logger log = LoggerFactory.getLogger(InheritedListeners.class);

    private final Map<String, ServerChannel> adopted;

    private InheritedListeners(Map<String, ServerChannel> adopted) {
        this.adopted = Map.copyOf(adopted);
    }

    /**
     * Matches by name and address first; a listener renamed in the new config but on the same
     * address is matched by address alone, since binding it afresh could only fail while the
     * predecessor holds the port.
     */
    public static InheritedListeners adopt(List<InheritedListener> inherited, List<ListenerConfig> configured)
            throws HandoffException {
        Map<String, ServerChannel> adopted = new HashMap<>();
        List<InheritedListener> unclaimed = new ArrayList<>(inherited);
        for (boolean byNameToo : new boolean[] {true, false}) {
            for (ListenerConfig listener : configured) {
                if (adopted.containsKey(listener.name())) {
                    continue;
                }
                InheritedListener match = null;
                for (InheritedListener candidate : unclaimed) {
                    if ((!byNameToo || candidate.entry().name().equals(listener.name()))
                            && sameAddress(candidate.entry(), listener.address())) {
                        match = candidate;
                        break;
                    }
                }
                if (match == null) {
                    continue;
                }
                ListenerEntry expected = new ListenerEntry(listener.name(), listener.address().toString());
                adopted.put(listener.name(), ListenerAdopter.adopt(match.fd(), expected));
                unclaimed.remove(match);
                log.info("adopted listener {} ({}) from fd {}", listener.name(), listener.address(), match.fd().intValue());
            }
        }
        for (InheritedListener leftOver : unclaimed) {
            log.info("inherited listener {} ({}) is not in this configuration; closing this process's copy",
                    leftOver.entry().name(), leftOver.entry().address());
            closeQuietly(leftOver.fd());
        }
        return new InheritedListeners(adopted);
    }

    /** Opens adopted listeners by registering the inherited socket; all others by binding. */
    public ListenerOpener opener() {
        ListenerOpener binding = ListenerOpener.binding();
        return (bootstrap, listener) -> {
            ServerChannel channel = adopted.get(listener.name());
            if (channel == null) {
                return binding.open(bootstrap, listener);
            }
            return adoptingCopyOf(bootstrap, channel).register();
        };
    }

    /**
     * A bootstrap configured like the proxy's but producing the inherited channel: a bootstrap's
     * channel factory can be set only once, so the proxy's own cannot be reused for this.
     */
    @SuppressWarnings("unchecked")
    private static ServerBootstrap adoptingCopyOf(ServerBootstrap original, ServerChannel channel) {
        ServerBootstrapConfig config = original.config();
        ServerBootstrap copy = new ServerBootstrap()
                .group(config.group(), config.childGroup())
                .channelFactory((io.netty.channel.ChannelFactory<ServerChannel>) () -> channel)
                .childHandler(config.childHandler());
        if (config.handler() != null) {
            copy.handler(config.handler());
        }
        config.options().forEach((option, value) -> copy.option((ChannelOption<Object>) option, value));
        config.childOptions().forEach((option, value) -> copy.childOption((ChannelOption<Object>) option, value));
        config.attrs().forEach((key, value) -> copy.attr((AttributeKey<Object>) key, value));
        config.childAttrs().forEach((key, value) -> copy.childAttr((AttributeKey<Object>) key, value));
        return copy;
    }

    private static boolean sameAddress(ListenerEntry entry, HostPort configured) {
        HostPort inherited;
        try {
            inherited = HostPort.parse(entry.address());
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (inherited.port() != configured.port()) {
            return false;
        }
        if (inherited.host().equalsIgnoreCase(configured.host())) {
            return true;
        }
        InetSocketAddress a = inherited.toSocketAddress();
        InetSocketAddress b = configured.toSocketAddress();
        return !a.isUnresolved() && !b.isUnresolved() && Objects.equals(a.getAddress(), b.getAddress());
    }

    private static void closeQuietly(FileDescriptor fd) {
        try {
            fd.close();
        } catch (IOException e) {
            log.warn("closing unused inherited fd {}: {}", fd.intValue(), e.getMessage());
        }
    }
}
