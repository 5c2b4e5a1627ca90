package dev.zentinel.proxy.upstream;

import dev.zentinel.proxy.wire.FieldNames;
import dev.zentinel.proxy.wire.HttpSyntax;
import dev.zentinel.proxy.wire.ListElements;
import io.netty.buffer.ByteBuf;

/**
 * Field lines of a response head or trailer section: validated (token names, no control
 * characters in values, no obs-fold), recorded as positions in {@link ResponseFields}, and, for a
 * head, the framing facts gathered from Content-Length, Transfer-Encoding and Connection.
 */
final class FieldLines {

    private FieldLines() {
    }

    /** The Content-Length, Transfer-Encoding and Connection facts of one head. */
    static final class Framing {
        boolean contentLengthKnown;
        long contentLength;
        boolean transferEncoding;
        boolean chunked;
        boolean chunkedNotLast;
        boolean close;
        boolean keepAlive;
        boolean nominates;

        void reset() {
            contentLengthKnown = false;
            contentLength = 0;
            transferEncoding = false;
            chunked = false;
            chunkedNotLast = false;
            close = false;
            keepAlive = false;
            nominates = false;
        }

        String check(int minorVersion) {
            if (transferEncoding && contentLengthKnown) {
                return "both Transfer-Encoding and Content-Length";
            }
            if (transferEncoding && (!chunked || chunkedNotLast)) {
                return "Transfer-Encoding whose final coding is not chunked";
            }
            if (transferEncoding && minorVersion == 0) {
                return "Transfer-Encoding in an HTTP/1.0 response";
            }
            return null;
        }
    }

    /** Parses field lines from {@code pos} up to and including the empty line before {@code end}; null or why not. */
    static String parse(ByteBuf buf, int pos, int end, ResponseFields fields, Framing framing) {
        while (pos < end) {
            int lf = buf.indexOf(pos, end, (byte) '\n');
            int lineEnd = HttpSyntax.withoutCr(buf, pos, lf);
            if (lineEnd == pos) {
                return null;
            }
            byte first = buf.getByte(pos);
            if (first == ' ' || first == '\t') {
                return "obsolete line folding (obs-fold)";
            }
            int i = pos;
            while (i < lineEnd && HttpSyntax.isToken(buf.getByte(i))) {
                i++;
            }
            int nameEnd = i;
            // RFC 9112 5.1: a proxy removes whitespace between a response field name and the colon.
            while (i < lineEnd && HttpSyntax.isWhitespace(buf.getByte(i))) {
                i++;
            }
            if (nameEnd == pos || i == lineEnd || buf.getByte(i) != ':') {
                return "invalid field name";
            }
            i++;
            while (i < lineEnd && HttpSyntax.isWhitespace(buf.getByte(i))) {
                i++;
            }
            int valueStart = i;
            int valueEnd = lineEnd;
            while (valueEnd > valueStart && HttpSyntax.isWhitespace(buf.getByte(valueEnd - 1))) {
                valueEnd--;
            }
            for (int k = valueStart; k < valueEnd; k++) {
                if (HttpSyntax.isControl(buf.getByte(k))) {
                    return "control character in a field value";
                }
            }
            byte kind = FieldNames.inResponse(FieldNames.classify(buf, pos, nameEnd));
            fields.add(pos, nameEnd, valueStart, valueEnd, kind);
            if (framing != null && kind != ResponseFields.OTHER && kind != ResponseFields.HOP_BY_HOP) {
                String error = readFraming(buf, kind, valueStart, valueEnd, framing);
                if (error != null) {
                    return error;
                }
            }
            pos = lf + 1;
        }
        return null;
    }

    private static String readFraming(ByteBuf buf, byte kind, int start, int end, Framing framing) {
        if (kind == ResponseFields.CONTENT_LENGTH) {
            if (framing.contentLengthKnown) {
                return "more than one Content-Length";
            }
            if (start == end || end - start > 18) {
                return "invalid Content-Length";
            }
            long length = 0;
            for (int i = start; i < end; i++) {
                byte b = buf.getByte(i);
                if (!HttpSyntax.isDigit(b)) {
                    return "invalid Content-Length";
                }
                length = length * 10 + (b - '0');
            }
            framing.contentLengthKnown = true;
            framing.contentLength = length;
            return null;
        }
        // Comma-separated tokens, surrounding whitespace ignored, empty elements allowed (RFC 9110 5.6.1).
        for (long element = ListElements.next(buf, start, end); element != ListElements.NONE;
                element = ListElements.next(buf, ListElements.end(element), end)) {
            int s = ListElements.start(element);
            int e = ListElements.end(element);
            if (kind == ResponseFields.TRANSFER_ENCODING) {
                framing.transferEncoding = true;
                if (framing.chunked) {
                    framing.chunkedNotLast = true; // chunked applied twice, or something after it
                }
                if (HttpSyntax.equalsIgnoreCase(buf, s, e, "chunked")) {
                    framing.chunked = true;
                }
            } else if (HttpSyntax.equalsIgnoreCase(buf, s, e, "close")) {
                framing.close = true;
            } else if (HttpSyntax.equalsIgnoreCase(buf, s, e, "keep-alive")) {
                framing.keepAlive = true;
            } else {
                framing.nominates = true;
            }
        }
        return null;
    }
}
