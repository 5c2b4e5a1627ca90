package dev.zentinel.proxy.upstream;

/** Size limits for responses read from upstreams; larger ones are a 502. */
final class UpstreamCodecs {

    /** Status line of an upstream response. */
    static final int MAX_INITIAL_LINE_BYTES = 8192;
    /** Response head (status line and fields), and separately a chunked body's trailer section. */
    static final int MAX_HEADER_BYTES = 65_536;
    /** One chunk-size line including any chunk extension. */
    static final int MAX_CHUNK_LINE_BYTES = 4096;

    private UpstreamCodecs() {
    }
}
