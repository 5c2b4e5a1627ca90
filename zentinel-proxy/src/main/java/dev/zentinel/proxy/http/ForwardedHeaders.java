package dev.zentinel.proxy.http;

import io.netty.util.AsciiString;

/** The X-Forwarded-* and Via fields a request gains on its way to the origin ({@link RequestHeadWriter} writes them). */
final class ForwardedHeaders {

    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final String VIA_TOKEN = "1.1 zentinel";

    private ForwardedHeaders() {
    }
}
