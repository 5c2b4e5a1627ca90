package dev.zentinel.proxy.http;

import dev.zentinel.proxy.wire.HttpSyntax;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/**
 * Decides whether a parsed request head may be processed, or which error status it gets. The
 * parser ({@link RequestHeadParser}, {@link HeadBoundary}) already refused the syntax errors and
 * most smuggling shapes: Content-Length together with Transfer-Encoding, repeated or malformed
 * Content-Length, bare LF line endings, obs-fold and invalid field names. This adds the rest:
 * versions other than HTTP/1.0 and 1.1 (505), CONNECT (501), request-target forms a reverse proxy
 * does not serve, missing or repeated Host, transfer codings other than a single "chunked", and
 * unknown expectations (417).
 */
final class RequestValidator {

    /** Status meaning "acceptable". */
    static final int OK = 0;

    private RequestValidator() {
    }

    static int validate(RequestHead request) {
        if (request.rejection() != 0) {
            return request.rejection();
        }
        if (request.majorVersion() != 1 || request.minorVersion() > 1) {
            return 505;
        }
        if (request.method() == HttpMethod.CONNECT) {
            return 501;
        }
        if (request.targetFirstByte() != '/') {
            String uri = request.target();
            if (!(RequestHead.isAbsoluteForm(uri) || (uri.equals("*") && request.method() == HttpMethod.OPTIONS))) {
                return 400;
            }
        }
        if (!validHost(request)) {
            return 400;
        }
        if (!validTransferEncoding(request)) {
            return 400;
        }
        RequestFields fields = request.fields();
        int expect = fields.first(RequestFields.EXPECT);
        if (expect >= 0 && !HttpSyntax.equalsIgnoreCase(fields.bytes(), fields.valueStart(expect), fields.valueEnd(expect), "100-continue")) {
            return 417;
        }
        return OK;
    }

    /** The status for a body the decoder could not de-frame: line too long 414, trailers too big 431, anything else 400. */
    static int statusFor(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return 414;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return 431;
        }
        return 400;
    }

    /** RFC 9112 3.2: an HTTP/1.1 request has exactly one Host; HTTP/1.0 at most one. */
    private static boolean validHost(RequestHead request) {
        if (request.hostFields == 0) {
            return request.minorVersion() == 0;
        }
        if (request.hostFields > 1) {
            return false;
        }
        RequestFields fields = request.fields();
        int host = fields.first(RequestFields.HOST);
        byte[] bytes = fields.bytes();
        for (int i = fields.valueStart(host), end = fields.valueEnd(host); i < end; i++) {
            if (bytes[i] == ' ' || bytes[i] == '/') {
                return false;
            }
        }
        return true;
    }

    /** Only a single "chunked" is accepted: anything else could be framed differently by the origin. */
    private static boolean validTransferEncoding(RequestHead request) {
        if (request.transferEncodingFields == 0) {
            return true;
        }
        RequestFields fields = request.fields();
        int coding = fields.first(RequestFields.TRANSFER_ENCODING);
        return request.transferEncodingFields == 1
                && HttpSyntax.equalsIgnoreCase(fields.bytes(), fields.valueStart(coding), fields.valueEnd(coding), "chunked");
    }
}
