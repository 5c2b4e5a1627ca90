package dev.zentinel.proxy.config;

import java.time.Duration;

/** Per-request and per-client-connection limits. */
public record LimitsConfig(
        int maxHeaderBytes,
        int maxInitialLineBytes,
        long maxBodyBytes,
        Duration clientHeaderTimeout,
        Duration clientIdleTimeout,
        int maxPipelinedRequests) {

    public static final int DEFAULT_MAX_HEADER_BYTES = 16_384;
    public static final int DEFAULT_MAX_INITIAL_LINE_BYTES = 8_192;
    public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;
    public static final Duration DEFAULT_CLIENT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CLIENT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_PIPELINED_REQUESTS = 16;

    public static LimitsConfig defaults() {
        return new LimitsConfig(DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_INITIAL_LINE_BYTES, DEFAULT_MAX_BODY_BYTES,
                DEFAULT_CLIENT_HEADER_TIMEOUT, DEFAULT_CLIENT_IDLE_TIMEOUT, DEFAULT_MAX_PIPELINED_REQUESTS);
    }
}
