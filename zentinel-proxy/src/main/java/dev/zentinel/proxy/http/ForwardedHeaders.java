package dev.zentinel.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import java.util.List;

/** The X-Forwarded-* and Via fields a request gains on its way to the origin. */
final class ForwardedHeaders {

    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final String VIA_TOKEN = "1.1 zentinel";
    static final AsciiString HTTP = AsciiString.cached("http");

    private ForwardedHeaders() {
    }

    /**
     * Appends the client to X-Forwarded-For (earlier hops are kept, in order), states the scheme
     * and original Host, and appends this proxy to Via.
     */
    static void add(HttpRequest request, String clientIp, String host) {
        HttpHeaders headers = request.headers();
        boolean counted = request instanceof DecodedRequest;
        String forwardedFor = counted && ((DecodedRequest) request).forwardedForFields <= 1
                ? headers.get(X_FORWARDED_FOR) : joined(headers, X_FORWARDED_FOR);
        headers.set(X_FORWARDED_FOR, forwardedFor == null ? clientIp : forwardedFor + ", " + clientIp);
        headers.set(X_FORWARDED_PROTO, HTTP);
        if (host != null) {
            headers.set(X_FORWARDED_HOST, host);
        }
        String via = counted && ((DecodedRequest) request).viaFields <= 1
                ? headers.get(HttpHeaderNames.VIA) : joined(headers, HttpHeaderNames.VIA);
        headers.set(HttpHeaderNames.VIA, via == null ? VIA_TOKEN : via + ", " + VIA_TOKEN);
    }

    /** All values of a list-valued field, in order, as one comma-separated value (several field lines are legal). */
    private static String joined(HttpHeaders headers, AsciiString name) {
        List<String> values = headers.getAll(name);
        return values.isEmpty() ? null : String.join(", ", values);
    }
}
