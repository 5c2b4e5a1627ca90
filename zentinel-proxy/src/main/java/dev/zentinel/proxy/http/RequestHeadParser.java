package dev.zentinel.proxy.http;

import dev.zentinel.proxy.wire.FieldNames;
import dev.zentinel.proxy.wire.HttpSyntax;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;

/**
 * Parses a complete request head (request line, field lines, the empty line; every line ending
 * in CRLF, which {@link HeadBoundary} has checked) into a {@link RequestHead}, strictly: anything
 * that could let this proxy and an origin disagree about the request is refused with 400.
 *
 * <p>Refused here: a method that is not a token; a target with spaces or control characters;
 * a version that is not {@code HTTP/<digits>.<digits>}; obs-fold; a field name that is not a
 * token or is followed by anything but a colon; a control character (other than tab) in a value,
 * a bare CR included; Content-Length that is not all digits, is empty, overflows, appears twice
 * or as a list; Transfer-Encoding together with Content-Length, or in an HTTP/1.0 request.
 * What is left to judge (versions, methods, target forms, Host, the transfer coding, Expect) is
 * {@link RequestValidator}'s.
 */
final class RequestHeadParser {

    /** Digits of a Content-Length that cannot overflow a long. */
    private static final int MAX_LENGTH_DIGITS = 18;
    private static final int MAX_VERSION_DIGITS = 3;

    private RequestHeadParser() {
    }

    /** Parses {@code bytes} (exactly one head); a head it refuses comes back as {@link RequestHead#rejected}. */
    static RequestHead parse(byte[] bytes) {
        RequestHead head = new RequestHead(bytes);
        int fieldsStart = requestLine(bytes, head);
        if (fieldsStart < 0 || !fields(bytes, fieldsStart, bytes.length, head.fields(), head)) {
            return RequestHead.rejected(400);
        }
        if (head.contentLengthFields > 0 && head.transferEncodingFields > 0) {
            return RequestHead.rejected(400);
        }
        if (head.transferEncodingFields > 0 && head.minorVersion() == 0 && head.majorVersion() == 1) {
            return RequestHead.rejected(400);
        }
        return head;
    }

    /** {@code method SP target SP HTTP/x.y CRLF}; returns where the field lines start, or -1. */
    private static int requestLine(byte[] b, RequestHead head) {
        int lf = indexOfLf(b, 0, b.length);
        int end = lf - 1; // the CR
        int i = 0;
        while (i < end && HttpSyntax.isToken(b[i])) {
            i++;
        }
        int methodEnd = i;
        if (methodEnd == 0 || !HttpSyntax.isWhitespace(b[i])) {
            return -1;
        }
        // Runs of SP/HTAB between the parts are tolerated, as Netty's decoder did (RFC 9112 3).
        while (i < end && HttpSyntax.isWhitespace(b[i])) {
            i++;
        }
        int targetStart = i;
        while (i < end && HttpSyntax.isTarget(b[i])) {
            i++;
        }
        int targetEnd = i;
        if (targetEnd == targetStart || !HttpSyntax.isWhitespace(b[i])) {
            return -1;
        }
        while (i < end && HttpSyntax.isWhitespace(b[i])) {
            i++;
        }
        int versionEnd = end;
        while (versionEnd > i && HttpSyntax.isWhitespace(b[versionEnd - 1])) {
            versionEnd--;
        }
        if (versionEnd - i < 8 || b[i] != 'H' || b[i + 1] != 'T' || b[i + 2] != 'T' || b[i + 3] != 'P' || b[i + 4] != '/') {
            return -1;
        }
        i += 5;
        int majorStart = i;
        int major = 0;
        while (i < versionEnd && HttpSyntax.isDigit(b[i]) && i - majorStart < MAX_VERSION_DIGITS) {
            major = major * 10 + (b[i++] - '0');
        }
        if (i == majorStart || i >= versionEnd || b[i] != '.') {
            return -1;
        }
        int minorStart = ++i;
        int minor = 0;
        while (i < versionEnd && HttpSyntax.isDigit(b[i]) && i - minorStart < MAX_VERSION_DIGITS) {
            minor = minor * 10 + (b[i++] - '0');
        }
        if (i == minorStart || i != versionEnd) {
            return -1;
        }
        head.requestLine(method(b, methodEnd), targetStart, targetEnd, major, minor);
        return lf + 1;
    }

    /** The method constant for the common names without making a string; others are created. */
    private static HttpMethod method(byte[] b, int length) {
        switch (length) {
            case 3:
                if (b[0] == 'G' && b[1] == 'E' && b[2] == 'T') {
                    return HttpMethod.GET;
                }
                if (b[0] == 'P' && b[1] == 'U' && b[2] == 'T') {
                    return HttpMethod.PUT;
                }
                break;
            case 4:
                if (b[0] == 'P' && b[1] == 'O' && b[2] == 'S' && b[3] == 'T') {
                    return HttpMethod.POST;
                }
                if (b[0] == 'H' && b[1] == 'E' && b[2] == 'A' && b[3] == 'D') {
                    return HttpMethod.HEAD;
                }
                break;
            default:
                break;
        }
        return HttpMethod.valueOf(new String(b, 0, length, StandardCharsets.US_ASCII));
    }

    /**
     * Field lines from {@code pos} up to and including the empty line that ends before {@code end};
     * false when one is malformed. {@code head} (null for a trailer section) gathers the framing facts.
     */
    static boolean fields(byte[] b, int pos, int end, RequestFields into, RequestHead head) {
        while (pos < end) {
            int lf = indexOfLf(b, pos, end);
            int lineEnd = lf - 1; // the CR
            if (lineEnd == pos) {
                return true;
            }
            int i = pos;
            while (i < lineEnd && HttpSyntax.isToken(b[i])) {
                i++;
            }
            int nameEnd = i;
            // No obs-fold (a line starting with whitespace), no whitespace before the colon (RFC 9112 5.1, 5.2).
            if (nameEnd == pos || b[i] != ':') {
                return false;
            }
            i++;
            while (i < lineEnd && HttpSyntax.isWhitespace(b[i])) {
                i++;
            }
            int valueStart = i;
            for (int k = valueStart; k < lineEnd; k++) {
                if (!HttpSyntax.isFieldValue(b[k])) {
                    return false;
                }
            }
            int valueEnd = lineEnd;
            while (valueEnd > valueStart && HttpSyntax.isWhitespace(b[valueEnd - 1])) {
                valueEnd--;
            }
            byte kind = FieldNames.classify(b, pos, nameEnd);
            into.add(pos, nameEnd, valueStart, valueEnd, kind);
            if (head != null && !count(b, kind, into.count() - 1, into, head)) {
                return false;
            }
            pos = lf + 1;
        }
        return false; // no empty line: not a complete section
    }

    private static boolean count(byte[] b, byte kind, int field, RequestFields fields, RequestHead head) {
        switch (kind) {
            case RequestFields.HOST:
                head.hostFields++;
                return true;
            case RequestFields.CONTENT_LENGTH:
                head.contentLengthFields++;
                head.contentLength = contentLength(b, fields.valueStart(field), fields.valueEnd(field));
                return head.contentLengthFields == 1 && head.contentLength >= 0;
            case RequestFields.TRANSFER_ENCODING:
                head.transferEncodingFields++;
                return true;
            case RequestFields.CONNECTION:
                head.hopByHopFields++;
                head.connectionClose |= fields.valueHasToken(field, "close");
                head.connectionKeepAlive |= fields.valueHasToken(field, "keep-alive");
                return true;
            case RequestFields.HOP_BY_HOP:
                head.hopByHopFields++;
                return true;
            default:
                return true;
        }
    }

    /** 1*DIGIT without sign or list; -1 when it is not that. */
    private static long contentLength(byte[] b, int start, int end) {
        if (start == end || end - start > MAX_LENGTH_DIGITS) {
            return -1;
        }
        long length = 0;
        for (int i = start; i < end; i++) {
            if (!HttpSyntax.isDigit(b[i])) {
                return -1;
            }
            length = length * 10 + (b[i] - '0');
        }
        return length;
    }

    private static int indexOfLf(byte[] b, int from, int end) {
        for (int i = from; i < end; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return end; // not reached for a head HeadBoundary delimited
    }
}
