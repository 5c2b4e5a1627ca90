package dev.zentinel.proxy.config;

/**
 * One listening socket. The name is the listener's stable identity across upgrades: a new
 * process adopts an inherited socket only when both name and address match.
 */
public record ListenerConfig(String name, HostPort address, int maxConnections, int backlog) {

    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final int DEFAULT_BACKLOG = 4096;
}
