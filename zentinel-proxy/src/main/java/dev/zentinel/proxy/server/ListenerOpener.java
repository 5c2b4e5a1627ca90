package dev.zentinel.proxy.server;

import dev.zentinel.proxy.config.ListenerConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;

/**
 * How a listener's server channel comes into being: bind (the default) or adopt an inherited
 * socket. The app module supplies the adopting opener; this module never sees a file descriptor.
 * The bootstrap handed in is fully configured (group, channel class, options, child handler).
 */
@FunctionalInterface
public interface ListenerOpener {

    ChannelFuture open(ServerBootstrap bootstrap, ListenerConfig listener);

    static ListenerOpener binding() {
        return (b, l) -> b.bind(l.address().toSocketAddress());
    }
}
