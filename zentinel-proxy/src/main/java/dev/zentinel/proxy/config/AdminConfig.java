package dev.zentinel.proxy.config;

/** The admin HTTP endpoint (/status, /metrics). {@code enabled=false} turns it off. */
public record AdminConfig(boolean enabled, HostPort address) {

    public static final HostPort DEFAULT_ADDRESS = new HostPort("127.0.0.1", 9901);
}
