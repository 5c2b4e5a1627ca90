package dev.zentinel.proxy.http;

import io.netty.channel.Channel;

/** Builds the pipeline of an accepted client connection. */
public final class ClientPipeline {

    /** Largest body piece handed on at once. */
    static final int MAX_CHUNK_BYTES = 65_536;

    private ClientPipeline() {
    }

    /** Installs the codec and a new {@link ClientConnection}; returns the connection. */
    public static ClientConnection install(Channel channel, ProxyContext context, String listener) {
        ClientConnection connection = new ClientConnection(context, listener);
        ServerHttpCodec codec = new ServerHttpCodec(context.limits(), connection);
        connection.useCodec(codec);
        channel.pipeline().addLast("http", codec);
        channel.pipeline().addLast("proxy", connection);
        return connection;
    }
}
