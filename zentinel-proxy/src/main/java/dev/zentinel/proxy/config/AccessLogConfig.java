package dev.zentinel.proxy.config;

/**
 * The JSON-lines access log. {@code path} "-" means stdout; {@code enabled=false} turns it off.
 * {@code queueSize} bounds the records waiting for the writer thread; beyond it records are
 * dropped and counted, so logging never blocks an event loop.
 */
public record AccessLogConfig(boolean enabled, String path, int queueSize) {

    public static final int DEFAULT_QUEUE_SIZE = 65_536;
}
