package dev.zentinel.proxy.http;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.Iterator;

/**
 * Decides whether a decoded request head may be processed, or which error status it gets.
 * The decoder (configured strictly, see {@link ClientPipeline}) already rejects most smuggling
 * shapes: Content-Length together with Transfer-Encoding, differing or duplicate Content-Length,
 * malformed Content-Length, bad chunk sizes, bare LF line endings and invalid header names. This
 * adds what the decoder lets through: transfer codings other than a single "chunked", missing or
 * repeated Host, unknown expectations and request-target forms a reverse proxy does not serve.
 */
final class RequestValidator {

    /** Status meaning "acceptable". */
    static final int OK = 0;

    private RequestValidator() {
    }

    static int validate(HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            return statusFor(result.cause());
        }
        HttpVersion version = request.protocolVersion();
        if (version.majorVersion() != 1 || version.minorVersion() > 1) {
            return 505;
        }
        if (request.method() == HttpMethod.CONNECT) {
            return 501;
        }
        String uri = request.uri();
        if (uri.isEmpty() || !(uri.charAt(0) == '/' || isAbsoluteForm(uri)
                || (uri.equals("*") && request.method() == HttpMethod.OPTIONS))) {
            return 400;
        }
        HttpHeaders headers = request.headers();
        if (!validHost(headers, request.protocolVersion())) {
            return 400;
        }
        if (!validTransferEncoding(headers)) {
            return 400;
        }
        String expect = headers.get(HttpHeaderNames.EXPECT);
        if (expect != null && !"100-continue".equalsIgnoreCase(expect.trim())) {
            return 417;
        }
        return OK;
    }

    /** The status for a decoder failure: line too long 414, headers too big 431, anything else 400. */
    static int statusFor(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return 414;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return 431;
        }
        return 400;
    }

    static boolean isAbsoluteForm(String uri) {
        return uri.regionMatches(true, 0, "http://", 0, 7) || uri.regionMatches(true, 0, "https://", 0, 8);
    }

    /** RFC 9112 3.2: an HTTP/1.1 request has exactly one Host; HTTP/1.0 at most one. */
    private static boolean validHost(HttpHeaders headers, HttpVersion version) {
        Iterator<String> hosts = headers.valueStringIterator(HttpHeaderNames.HOST);
        if (!hosts.hasNext()) {
            return version.minorVersion() == 0 && version.majorVersion() == 1;
        }
        String host = hosts.next();
        return !hosts.hasNext() && host.indexOf(' ') < 0 && host.indexOf('/') < 0;
    }

    /** Only a single "chunked" is accepted: anything else could be framed differently by the origin. */
    private static boolean validTransferEncoding(HttpHeaders headers) {
        if (!headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            return true;
        }
        Iterator<String> codings = headers.valueStringIterator(HttpHeaderNames.TRANSFER_ENCODING);
        if (!codings.hasNext()) {
            return true;
        }
        String coding = codings.next();
        return !codings.hasNext() && "chunked".equalsIgnoreCase(coding.trim());
    }
}
