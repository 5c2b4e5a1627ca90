package dev.zentinel.proxy.server;

import java.time.Duration;

/**
 * Outcome of {@link ProxyServer#drain}: connections that ended on their own (or were closed
 * while idle) versus connections still busy at the drain timeout and closed by force.
 */
public record DrainResult(int closedGracefully, int forceClosed, Duration took) {
}
