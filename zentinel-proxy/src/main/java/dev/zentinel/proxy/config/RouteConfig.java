package dev.zentinel.proxy.config;

/**
 * A route sends matching requests either to an upstream or to a fixed response; exactly one of
 * {@code upstream} and {@code respond} is non-null. Higher priority wins; among equal
 * priorities the route listed first wins.
 */
public record RouteConfig(String name, int priority, RouteMatch match, String upstream, RespondConfig respond) {
}
