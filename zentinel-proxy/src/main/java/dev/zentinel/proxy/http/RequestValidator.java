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
        if (!"HTTP".equals(version.protocolName())) {
            return 400;
        }
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
        int hostFields;
        int transferEncodingFields;
        if (request instanceof DecodedRequest) {
            hostFields = ((DecodedRequest) request).hostFields;
            transferEncodingFields = ((DecodedRequest) request).transferEncodingFields;
        } else {
            hostFields = count(headers, HttpHeaderNames.HOST);
            transferEncodingFields = count(headers, HttpHeaderNames.TRANSFER_ENCODING);
        }
        if (!validHost(headers, version, hostFields)) {
            return 400;
        }
        if (!validTransferEncoding(headers, transferEncodingFields)) {
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
    private static boolean validHost(HttpHeaders headers, HttpVersion version, int fields) {
        if (fields == 0) {
            return version.minorVersion() == 0;
        }
        if (fields > 1) {
            return false;
        }
        String host = headers.get(HttpHeaderNames.HOST);
        return host != null && host.indexOf(' ') < 0 && host.indexOf('/') < 0;
    }

    /** Only a single "chunked" is accepted: anything else could be framed differently by the origin. */
    private static boolean validTransferEncoding(HttpHeaders headers, int fields) {
        if (fields == 0) {
            return true;
        }
        String coding = headers.get(HttpHeaderNames.TRANSFER_ENCODING);
        return fields == 1 && coding != null && "chunked".equalsIgnoreCase(coding.trim());
    }

    /** True for a validated request whose body is chunked. */
    static boolean isChunked(HttpRequest request) {
        return request instanceof DecodedRequest
                ? ((DecodedRequest) request).transferEncodingFields > 0
                : request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING);
    }

    private static int count(HttpHeaders headers, CharSequence name) {
        int n = 0;
        for (Iterator<String> values = headers.valueStringIterator(name); values.hasNext(); values.next()) {
            n++;
        }
        return n;
    }
}
