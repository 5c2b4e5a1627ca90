package dev.zentinel.proxy.http;

/** The X-Forwarded-* and Via fields a request gains on its way to the origin ({@link RequestHeadWriter} writes them). */
final class ForwardedHeaders {

    static final String VIA_TOKEN = "1.1 zentinel";

    private ForwardedHeaders() {
    }
}
