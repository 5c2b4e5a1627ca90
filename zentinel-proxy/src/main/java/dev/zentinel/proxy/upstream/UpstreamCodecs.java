package dev.zentinel.proxy.upstream;

import io.netty.handler.codec.http.HttpDecoderConfig;

/** Decoder settings for responses read from upstreams. */
final class UpstreamCodecs {

    static final String CODEC = "http";
    /** Status line of an upstream response. */
    static final int MAX_INITIAL_LINE_BYTES = 8192;
    /** Response header block; larger responses from an origin are a 502. */
    static final int MAX_HEADER_BYTES = 65_536;
    /** Largest body piece handed on at once; bigger reads are split. */
    static final int MAX_CHUNK_BYTES = 65_536;

    private UpstreamCodecs() {
    }

    static HttpDecoderConfig decoderConfig() {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE_BYTES)
                .setMaxHeaderSize(MAX_HEADER_BYTES)
                .setMaxChunkSize(MAX_CHUNK_BYTES)
                .setAllowDuplicateContentLengths(false)
                .setUseRfc9112TransferEncoding(true);
    }
}
