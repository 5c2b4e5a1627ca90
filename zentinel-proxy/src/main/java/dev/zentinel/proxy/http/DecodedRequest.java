package dev.zentinel.proxy.http;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A request head as decoded from a client, with how often some fields occurred. The decoder
 * counts them while parsing, so validation and forwarding need no per-request iterators to tell
 * one Host from two or a single X-Forwarded-For line from several, nor map look-ups to find
 * that a request has no hop-by-hop fields at all (the common case).
 */
final class DecodedRequest extends DefaultHttpRequest {

    int hostFields;
    int transferEncodingFields;
    int forwardedForFields;
    int viaFields;
    /** Fields {@link HopByHop#strip} removes by name: Connection, Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade. */
    int hopByHopFields;

    DecodedRequest(HttpVersion version, HttpMethod method, String uri, HttpHeadersFactory headersFactory) {
        super(version, method, uri, headersFactory);
    }
}
