package dev.zentinel.proxy.http;

import dev.zentinel.proxy.wire.HttpSyntax;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;

/**
 * De-frames a chunked request body (RFC 9112 7.1) strictly: a chunk-size line is hex digits,
 * optionally whitespace and a {@code ;} extension without control characters, then CRLF; chunk
 * data must be followed by exactly CRLF; the trailer section is field lines checked like a head's.
 * Anything else fails the body (400): a size that is not hex, is signed, starts with whitespace
 * or overflows, data longer than its size, a bare LF. A chunk-size line longer than
 * {@code maxLineBytes} is 414, a trailer section over {@code maxFieldBytes} is 431 (as Netty's
 * decoder answered them).
 *
 * <p>Data is handed on as slices of the input, as it arrives (a chunk need not be complete);
 * only an incomplete size line or trailer section stays in the caller's buffer.
 */
final class ChunkedBodyReader {

    /** Where the de-framed body goes; ownership of pieces passes. */
    interface Sink {
        void bodyPiece(ByteBuf piece);

        /** The body ended; {@code trailers} is null when there were none (Content-Length, Transfer-Encoding and Trailer are dropped). */
        void bodyEnd(HttpHeaders trailers);

        /** The body cannot be read; {@code status} is 400, 414 or 431. */
        void bodyFailed(int status, String why);
    }

    private enum State { SIZE, DATA, DATA_END, TRAILERS }

    private final Sink sink;
    private final int maxLineBytes;
    private final int maxPieceBytes;
    private final HeadBoundary trailerBoundary;
    private State state = State.SIZE;
    private long remaining;

    ChunkedBodyReader(Sink sink, int maxLineBytes, int maxFieldBytes, int maxPieceBytes) {
        this.sink = sink;
        this.maxLineBytes = maxLineBytes;
        this.maxPieceBytes = maxPieceBytes;
        this.trailerBoundary = new HeadBoundary(maxLineBytes, maxFieldBytes);
    }

    void reset() {
        state = State.SIZE;
        remaining = 0;
    }

    /**
     * Reads from {@code buf} until the body ends (true), or the input runs out or the body failed
     * (false; after a failure the caller reads nothing more).
     */
    boolean read(ByteBuf buf) {
        while (buf.isReadable()) {
            switch (state) {
                case SIZE:
                    if (!readSize(buf)) {
                        return false;
                    }
                    break;
                case DATA:
                    int n = (int) Math.min(Math.min(buf.readableBytes(), remaining), maxPieceBytes);
                    ByteBuf piece = buf.retainedSlice(buf.readerIndex(), n);
                    buf.skipBytes(n);
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.DATA_END;
                    }
                    sink.bodyPiece(piece);
                    break;
                case DATA_END:
                    if (buf.readableBytes() < 2) {
                        if (buf.getByte(buf.readerIndex()) != '\r') {
                            return fail(400, "chunk data not followed by CRLF");
                        }
                        return false;
                    }
                    if (buf.getByte(buf.readerIndex()) != '\r' || buf.getByte(buf.readerIndex() + 1) != '\n') {
                        return fail(400, "chunk data not followed by CRLF");
                    }
                    buf.skipBytes(2);
                    state = State.SIZE;
                    break;
                default:
                    return readTrailers(buf);
            }
        }
        return false;
    }

    private boolean readSize(ByteBuf buf) {
        int start = buf.readerIndex();
        int limit = Math.min(buf.writerIndex(), start + maxLineBytes + 2);
        int lf = buf.indexOf(start, limit, (byte) '\n');
        if (lf < 0) {
            if (buf.readableBytes() > maxLineBytes + 1) {
                fail(414, "chunk-size line longer than " + maxLineBytes + " bytes");
            }
            return false;
        }
        if (lf == start || buf.getByte(lf - 1) != '\r') {
            return fail(400, "bare LF in a chunk-size line");
        }
        int lineEnd = lf - 1;
        long size = 0;
        int i = start;
        while (i < lineEnd) {
            int digit = HttpSyntax.hexValue(buf.getByte(i));
            if (digit < 0) {
                break;
            }
            if (size > (Long.MAX_VALUE >> 4)) {
                return fail(400, "chunk size too large");
            }
            size = size << 4 | digit;
            i++;
        }
        if (i == start) {
            return fail(400, "invalid chunk size");
        }
        while (i < lineEnd && HttpSyntax.isWhitespace(buf.getByte(i))) {
            i++;
        }
        if (i < lineEnd) {
            if (buf.getByte(i) != ';') {
                return fail(400, "invalid chunk size");
            }
            for (int k = i; k < lineEnd; k++) {
                if (!HttpSyntax.isFieldValue(buf.getByte(k))) {
                    return fail(400, "control character in a chunk extension");
                }
            }
        }
        buf.readerIndex(lf + 1);
        if (size == 0) {
            state = State.TRAILERS;
            trailerBoundary.reset(false);
        } else {
            state = State.DATA;
            remaining = size;
        }
        return true;
    }

    private boolean readTrailers(ByteBuf buf) {
        int start = buf.readerIndex();
        int end = trailerBoundary.scan(buf, start);
        if (end == HeadBoundary.INCOMPLETE) {
            return false;
        }
        if (end == HeadBoundary.INVALID) {
            return fail(trailerBoundary.status(), "invalid trailer section");
        }
        buf.readerIndex(end);
        state = State.SIZE;
        if (end - start == 2) {
            sink.bodyEnd(null);
            return true;
        }
        byte[] bytes = new byte[end - start];
        buf.getBytes(start, bytes);
        RequestFields fields = new RequestFields(bytes);
        if (!RequestHeadParser.fields(bytes, 0, bytes.length, fields, null)) {
            return fail(400, "invalid trailer field");
        }
        sink.bodyEnd(trailers(bytes, fields));
        return true;
    }

    private static HttpHeaders trailers(byte[] bytes, RequestFields fields) {
        HttpHeaders trailers = DefaultHttpHeadersFactory.trailersFactory().newHeaders();
        for (int i = 0; i < fields.count(); i++) {
            byte kind = fields.kind(i);
            if (kind == RequestFields.CONTENT_LENGTH || kind == RequestFields.TRANSFER_ENCODING || fields.nameEquals(i, "trailer")) {
                continue;
            }
            String name = new String(bytes, fields.nameStart(i), fields.nameEnd(i) - fields.nameStart(i), StandardCharsets.ISO_8859_1);
            trailers.add(name, fields.value(i));
        }
        return trailers;
    }

    private boolean fail(int status, String why) {
        sink.bodyFailed(status, why);
        return false;
    }
}
