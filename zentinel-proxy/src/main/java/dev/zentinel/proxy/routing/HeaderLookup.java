package dev.zentinel.proxy.routing;

/**
 * Read access to the request headers for route matching. Implementations look names up
 * case-insensitively (Netty's {@code HttpHeaders} already does) and return the first value,
 * or null when the header is absent.
 */
@FunctionalInterface
public interface HeaderLookup {

    /** A lookup for requests without headers (tests, synthetic requests). */
    HeaderLookup NONE = name -> null;

    String get(String name);
}
