package dev.zentinel.proxy.upstream;

import io.netty.channel.ConnectTimeoutException;

/**
 * Why an exchange with an upstream failed. {@link #metricKind()} is the label used by
 * {@code ProxyMetrics.upstreamError}; {@link #status()} is what the client gets when no
 * response byte has been forwarded yet.
 */
public enum UpstreamFailure {
    CONNECT_REFUSED("connect_refused", 502),
    CONNECT_TIMEOUT("connect_timeout", 504),
    RESET("reset", 502),
    READ_TIMEOUT("read_timeout", 504);

    private final String metricKind;
    private final int status;

    UpstreamFailure(String metricKind, int status) {
        this.metricKind = metricKind;
        this.status = status;
    }

    public String metricKind() {
        return metricKind;
    }

    public int status() {
        return status;
    }

    /** Classifies a failed connect attempt. */
    public static UpstreamFailure ofConnect(Throwable cause) {
        // Anything but a timeout (refused, unreachable, no route) means the origin cannot be reached.
        return cause instanceof ConnectTimeoutException ? CONNECT_TIMEOUT : CONNECT_REFUSED;
    }
}
