package dev.zentinel.proxy.server;

/** Lifecycle of a {@link ProxyServer}; it only moves forward. */
public enum ServerState {
    STARTING, SERVING, DRAINING, STOPPED
}
