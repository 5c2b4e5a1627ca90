package dev.zentinel.app.control;

import java.time.Duration;

/**
 * Bounds of the control server: request line length, how long a client may take to send its
 * request line, and how many control connections may be open at once.
 */
public record ControlServerSettings(int maxLineBytes, Duration requestTimeout, int maxConnections) {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_CONNECTIONS = 16;

    public ControlServerSettings {
        if (maxLineBytes < 64) {
            throw new IllegalArgumentException("maxLineBytes must be at least 64: " + maxLineBytes);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1: " + maxConnections);
        }
    }

    public static ControlServerSettings defaults() {
        return new ControlServerSettings(ControlProtocol.DEFAULT_MAX_LINE_BYTES, DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_MAX_CONNECTIONS);
    }
}
