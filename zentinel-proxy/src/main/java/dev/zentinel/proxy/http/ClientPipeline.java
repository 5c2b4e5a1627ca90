package dev.zentinel.proxy.http;

import dev.zentinel.proxy.config.LimitsConfig;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpDecoderConfig;

/** Builds the pipeline of an accepted client connection. */
public final class ClientPipeline {

    /** Largest body piece handed on at once. */
    static final int MAX_CHUNK_BYTES = 65_536;

    private ClientPipeline() {
    }

    /** Installs the codec and a new {@link ClientConnection}; returns the connection. */
    public static ClientConnection install(Channel channel, ProxyContext context, String listener) {
        ClientConnection connection = new ClientConnection(context, listener);
        ServerHttpCodec codec = new ServerHttpCodec(decoderConfig(context.limits()), connection);
        connection.useCodec(codec);
        channel.pipeline().addLast("http", codec);
        channel.pipeline().addLast("proxy", connection);
        return connection;
    }

    /**
     * Strict request parsing: every ambiguity that could let this proxy and an origin disagree on
     * where a request ends is a decoder failure, answered with 400 and a closed connection.
     */
    static HttpDecoderConfig decoderConfig(LimitsConfig limits) {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxInitialLineBytes())
                .setMaxHeaderSize(limits.maxHeaderBytes())
                .setMaxChunkSize(MAX_CHUNK_BYTES)
                .setChunkedSupported(true)
                .setAllowPartialChunks(true)
                .setAllowDuplicateContentLengths(false)
                .setStrictLineParsing(true)
                .setUseRfc9112TransferEncoding(true)
                .setValidateHeaders(true);
    }
}
