package dev.zentinel.proxy.server;

import dev.zentinel.proxy.http.ClientConnection;
import dev.zentinel.proxy.http.ClientPipeline;
import dev.zentinel.proxy.http.ProxyContext;
import dev.zentinel.proxy.metrics.ProxyMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;

/** Admits (or turns away) each accepted connection of one listener and sets up its pipeline. */
@ChannelHandler.Sharable
final class ClientChannelInitializer extends ChannelInitializer<Channel> {

    private final ListenerGate gate;
    private final ProxyContext context;
    private final ProxyMetrics metrics;
    private final ConnectionRegistry registry;

    ClientChannelInitializer(ListenerGate gate, ProxyContext context, ProxyMetrics metrics, ConnectionRegistry registry) {
        this.gate = gate;
        this.context = context;
        this.metrics = metrics;
        this.registry = registry;
    }

    @Override
    protected void initChannel(Channel ch) {
        String listener = gate.name();
        if (!gate.tryAdmit()) {
            metrics.connectionsRejected(listener);
            ch.close();
            return;
        }
        metrics.connectionOpened(listener);
        ClientConnection connection = ClientPipeline.install(ch, context, listener);
        registry.add(connection);
        ch.closeFuture().addListener(f -> {
            gate.release();
            metrics.connectionClosed(listener);
            registry.remove(connection);
        });
    }
}
