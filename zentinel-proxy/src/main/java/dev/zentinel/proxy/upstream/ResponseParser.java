package dev.zentinel.proxy.upstream;

import dev.zentinel.proxy.wire.Cumulation;
import dev.zentinel.proxy.wire.HttpSyntax;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Reads HTTP/1.x responses from an upstream byte stream: the head into an {@link UpstreamResponseHead}
 * (positions in the received bytes, no header map), the body as slices of the received buffers,
 * de-chunked when the origin chunks it, and the trailer section.
 *
 * <p>Strict where framing is decided, because a proxy that reads a response differently from the
 * client behind it can be made to desynchronise the two (response splitting / smuggling): a
 * response is rejected (the exchange fails with 502) for obs-fold, a field name that is not a
 * token, a control character in a value, a Content-Length that is not all digits or appears more
 * than once, Transfer-Encoding together with Content-Length, a Transfer-Encoding whose last
 * coding is not chunked or in an HTTP/1.0 response, a chunk-size line that is not hex digits
 * optionally followed by an extension, chunk data not followed by a line end, a status line that
 * is not {@code HTTP/1.x NNN [reason]}, and heads or lines over the size limits. Lines may end in
 * CRLF or a bare LF (as Netty's decoder accepts); a bare CR inside a line is a control character.
 *
 * <p>Memory: only an incomplete head, chunk-size line or trailer section is kept between reads,
 * bounded by {@link UpstreamCodecs}; body bytes are handed on as they arrive.
 */
final class ResponseParser {

    /** The connection the parser reads for. Calls may stop the parser ({@link #stop()}). */
    interface Sink {
        /** True while a request is waiting for its response; other bytes break the connection. */
        boolean awaitingResponse();

        /** True when the request being answered was HEAD (its response has no body). */
        boolean headRequest();

        /** A response head, interim (1xx) or final. Valid only during the call. */
        void onHead(UpstreamResponseHead head);

        /** A piece of the body; ownership passes. */
        void onBody(ByteBuf piece);

        /** The response ended; trailers (possibly none) are valid only during the call. */
        void onEnd(ResponseFields trailers);

        /** The response cannot be read; the parser has stopped. */
        void onMalformed(String why);

        /** Bytes arrived while no response was expected; the parser has stopped. */
        void onUnexpectedBytes();
    }

    private enum State { HEAD, FIXED_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILERS, UNTIL_CLOSE, STOPPED }

    private final Sink sink;
    private final UpstreamResponseHead head = new UpstreamResponseHead();
    private final ResponseFields trailers = new ResponseFields();
    private final ResponseFields noTrailers = new ResponseFields();
    private final FieldLines.Framing framing = new FieldLines.Framing();
    private State state = State.HEAD;
    private long remaining;
    /** Bytes of an incomplete head or trailer section already searched for its end (resumes there). */
    private int scanned;
    private ByteBuf pending;
    /** The buffer being parsed, while a feed is in progress (callbacks run inside it). */
    private ByteBuf current;

    ResponseParser(Sink sink) {
        this.sink = sink;
    }

    /** Parses what arrived; takes ownership of {@code in}. */
    void feed(ByteBufAllocator alloc, ByteBuf in) {
        if (state == State.STOPPED) {
            in.release();
            return;
        }
        ByteBuf buf = pending == null ? in : Cumulation.append(alloc, pending, in, UpstreamCodecs.MAX_HEADER_BYTES + 2);
        pending = null;
        current = buf;
        try {
            parse(buf);
        } finally {
            current = null;
            if (state != State.STOPPED && buf.isReadable()) {
                pending = buf;
            } else {
                buf.release();
            }
        }
    }

    /**
     * The origin closed the connection. Returns true when that completed a close-delimited
     * response (which is then ended through the sink); false when a response was cut short or
     * none was in progress.
     */
    boolean endOfInput() {
        boolean completes = state == State.UNTIL_CLOSE;
        if (completes) {
            end(noTrailers);
        }
        stop();
        return completes;
    }

    /** Stops parsing for good and frees what is buffered. */
    void stop() {
        state = State.STOPPED;
        if (current == null && pending != null) {
            pending.release();
            pending = null;
        }
    }

    /**
     * True between responses with nothing more received: the connection may serve another request.
     * Called from inside a callback, bytes following the response in the same read make it false
     * (they would otherwise be taken for the answer to the next request).
     */
    boolean betweenResponses() {
        return state == State.HEAD && pending == null && (current == null || !current.isReadable());
    }

    private void parse(ByteBuf buf) {
        while (buf.isReadable()) {
            switch (state) {
                case HEAD:
                    if (!readHead(buf)) {
                        return;
                    }
                    break;
                case FIXED_BODY:
                    remaining -= handOn(buf, remaining);
                    if (remaining == 0 && state == State.FIXED_BODY) {
                        end(noTrailers);
                    }
                    break;
                case UNTIL_CLOSE:
                    handOn(buf, Long.MAX_VALUE);
                    break;
                case CHUNK_SIZE:
                    if (!readChunkSize(buf)) {
                        return;
                    }
                    break;
                case CHUNK_DATA:
                    remaining -= handOn(buf, remaining);
                    if (remaining == 0 && state == State.CHUNK_DATA) {
                        state = State.CHUNK_DATA_END;
                    }
                    break;
                case CHUNK_DATA_END:
                    if (!readChunkDataEnd(buf)) {
                        return;
                    }
                    break;
                case TRAILERS:
                    if (!readTrailers(buf)) {
                        return;
                    }
                    break;
                default:
                    return;
            }
        }
    }

    /** Hands on up to {@code max} readable bytes as one slice; returns how many. */
    private int handOn(ByteBuf buf, long max) {
        int n = (int) Math.min(buf.readableBytes(), max);
        ByteBuf piece = buf.retainedSlice(buf.readerIndex(), n);
        buf.skipBytes(n);
        sink.onBody(piece);
        return n;
    }

    private void end(ResponseFields fields) {
        state = State.HEAD;
        scanned = 0;
        sink.onEnd(fields);
    }

    private void malformed(String why) {
        stop();
        sink.onMalformed(why);
    }

    // ---------------------------------------------------------------- head

    private boolean readHead(ByteBuf buf) {
        if (scanned == 0) {
            // Netty's decoder skips stray line ends before a response; so do we (some origins send
            // an extra CRLF after a body).
            while (buf.isReadable() && HttpSyntax.isLineEnd(buf.getByte(buf.readerIndex()))) {
                buf.skipBytes(1);
            }
            if (!buf.isReadable()) {
                return false;
            }
            if (!sink.awaitingResponse()) {
                stop();
                sink.onUnexpectedBytes();
                return false;
            }
        }
        int start = buf.readerIndex();
        int end = findSectionEnd(buf, start);
        if (end < 0) {
            int buffered = buf.readableBytes();
            if (buffered > UpstreamCodecs.MAX_HEADER_BYTES) {
                malformed("response head larger than " + UpstreamCodecs.MAX_HEADER_BYTES + " bytes");
            } else if (buffered > UpstreamCodecs.MAX_INITIAL_LINE_BYTES
                    && buf.indexOf(start, start + UpstreamCodecs.MAX_INITIAL_LINE_BYTES + 2, (byte) '\n') < 0) {
                malformed("status line longer than " + UpstreamCodecs.MAX_INITIAL_LINE_BYTES + " bytes");
            }
            return false;
        }
        if (end - start > UpstreamCodecs.MAX_HEADER_BYTES) {
            malformed("response head larger than " + UpstreamCodecs.MAX_HEADER_BYTES + " bytes");
            return false;
        }
        scanned = 0;
        buf.readerIndex(end);
        return parseHead(buf, start, end);
    }

    /**
     * The index just after the empty line that ends a head or trailer section starting at
     * {@code start} (which is not itself an empty line), or -1 when it has not arrived yet.
     */
    private int findSectionEnd(ByteBuf buf, int start) {
        int limit = buf.writerIndex();
        int i = start + scanned;
        while (true) {
            int lf = buf.indexOf(i, limit, (byte) '\n');
            if (lf < 0) {
                scanned = limit - start;
                return -1;
            }
            if (lf + 1 < limit) {
                byte next = buf.getByte(lf + 1);
                if (next == '\n') {
                    return lf + 2;
                }
                if (next == '\r') {
                    if (lf + 2 >= limit) {
                        scanned = lf - start;
                        return -1;
                    }
                    if (buf.getByte(lf + 2) == '\n') {
                        return lf + 3;
                    }
                }
            } else {
                scanned = lf - start;
                return -1;
            }
            i = lf + 1;
        }
    }

    private boolean parseHead(ByteBuf buf, int start, int end) {
        UpstreamResponseHead h = head;
        h.reset(buf);
        int lf = buf.indexOf(start, end, (byte) '\n');
        int lineEnd = HttpSyntax.withoutCr(buf, start, lf);
        if (lineEnd - start > UpstreamCodecs.MAX_INITIAL_LINE_BYTES) {
            malformed("status line longer than " + UpstreamCodecs.MAX_INITIAL_LINE_BYTES + " bytes");
            return false;
        }
        if (!parseStatusLine(buf, start, lineEnd, h)) {
            malformed("invalid status line");
            return false;
        }
        FieldLines.Framing framing = this.framing;
        framing.reset();
        String error = FieldLines.parse(buf, lf + 1, end, h.mutableFields(), framing);
        if (error == null) {
            error = framing.check(h.minorVersion());
        }
        if (error != null) {
            malformed(error);
            return false;
        }
        int status = h.status();
        boolean interim = status < 200;
        boolean bodiless = interim || status == 204 || status == 304 || sink.headRequest();
        boolean keepAlive = !framing.close && (h.minorVersion() == 1 || framing.keepAlive);
        if (!bodiless && !framing.chunked && !framing.contentLengthKnown) {
            keepAlive = false; // close-delimited: the connection ends with the body
        }
        h.framing(framing.chunked, framing.contentLengthKnown, framing.contentLength, keepAlive, bodiless);
        h.nominatesFields(framing.nominates);
        if (interim) {
            state = State.HEAD;
            sink.onHead(h);
            return state != State.STOPPED;
        }
        boolean endsNow = bodiless || (framing.contentLengthKnown && framing.contentLength == 0);
        if (endsNow) {
            state = State.HEAD;
        } else if (framing.chunked) {
            state = State.CHUNK_SIZE;
        } else if (framing.contentLengthKnown) {
            state = State.FIXED_BODY;
            remaining = framing.contentLength;
        } else {
            state = State.UNTIL_CLOSE;
        }
        sink.onHead(h);
        if (state == State.STOPPED) {
            return false;
        }
        if (endsNow) {
            end(noTrailers);
        }
        return state != State.STOPPED;
    }

    /** {@code HTTP/1.x SP 3DIGIT [SP reason]}. */
    private static boolean parseStatusLine(ByteBuf buf, int start, int end, UpstreamResponseHead h) {
        if (end - start < 12 || buf.getByte(start) != 'H' || buf.getByte(start + 1) != 'T' || buf.getByte(start + 2) != 'T'
                || buf.getByte(start + 3) != 'P' || buf.getByte(start + 4) != '/' || buf.getByte(start + 5) != '1'
                || buf.getByte(start + 6) != '.' || !HttpSyntax.isDigit(buf.getByte(start + 7)) || buf.getByte(start + 8) != ' ') {
            return false;
        }
        int minor = buf.getByte(start + 7) == '0' ? 0 : 1;
        int status = 0;
        for (int i = start + 9; i < start + 12; i++) {
            byte b = buf.getByte(i);
            if (!HttpSyntax.isDigit(b)) {
                return false;
            }
            status = status * 10 + (b - '0');
        }
        if (status < 100) {
            return false;
        }
        int reasonStart = start + 12;
        if (reasonStart < end) {
            if (buf.getByte(reasonStart) != ' ') {
                return false;
            }
            reasonStart++;
            for (int i = reasonStart; i < end; i++) {
                if (HttpSyntax.isControl(buf.getByte(i))) {
                    return false;
                }
            }
        }
        h.statusLine(minor, status, reasonStart, end);
        return true;
    }

    // ---------------------------------------------------------------- chunked body

    private boolean readChunkSize(ByteBuf buf) {
        int start = buf.readerIndex();
        int limit = Math.min(buf.writerIndex(), start + UpstreamCodecs.MAX_CHUNK_LINE_BYTES + 2);
        int lf = buf.indexOf(start, limit, (byte) '\n');
        if (lf < 0) {
            if (buf.readableBytes() > UpstreamCodecs.MAX_CHUNK_LINE_BYTES + 1) {
                malformed("chunk-size line longer than " + UpstreamCodecs.MAX_CHUNK_LINE_BYTES + " bytes");
            }
            return false;
        }
        int lineEnd = HttpSyntax.withoutCr(buf, start, lf);
        long size = 0;
        int i = start;
        while (i < lineEnd) {
            int digit = HttpSyntax.hexValue(buf.getByte(i));
            if (digit < 0) {
                break;
            }
            if (size > (Long.MAX_VALUE >> 4)) {
                malformed("chunk size too large");
                return false;
            }
            size = size << 4 | digit;
            i++;
        }
        if (i == start) {
            malformed("invalid chunk size");
            return false;
        }
        while (i < lineEnd && HttpSyntax.isWhitespace(buf.getByte(i))) {
            i++;
        }
        if (i < lineEnd) {
            // chunk-ext: ignored, but it must start with ';' and contain no control characters.
            if (buf.getByte(i) != ';') {
                malformed("invalid chunk size");
                return false;
            }
            for (int k = i; k < lineEnd; k++) {
                if (HttpSyntax.isControl(buf.getByte(k))) {
                    malformed("control character in a chunk extension");
                    return false;
                }
            }
        }
        buf.readerIndex(lf + 1);
        if (size == 0) {
            state = State.TRAILERS;
            scanned = 0;
        } else {
            state = State.CHUNK_DATA;
            remaining = size;
        }
        return true;
    }

    private boolean readChunkDataEnd(ByteBuf buf) {
        int length = lineEndAt(buf);
        if (length == 0) {
            return false;
        }
        if (length < 0) {
            malformed("chunk data not followed by a line end");
            return false;
        }
        buf.skipBytes(length);
        state = State.CHUNK_SIZE;
        return true;
    }

    /**
     * The length of the line end (LF or CRLF) at the reader index: 1 or 2; 0 when a CR's LF has
     * not arrived yet; -1 when the bytes there are not a line end.
     */
    private static int lineEndAt(ByteBuf buf) {
        int at = buf.readerIndex();
        byte b = buf.getByte(at);
        if (b == '\n') {
            return 1;
        }
        if (b != '\r') {
            return -1;
        }
        if (buf.readableBytes() < 2) {
            return 0;
        }
        return buf.getByte(at + 1) == '\n' ? 2 : -1;
    }

    private boolean readTrailers(ByteBuf buf) {
        int start = buf.readerIndex();
        if (HttpSyntax.isLineEnd(buf.getByte(start))) {
            // No trailer fields: just the final line end.
            int length = lineEndAt(buf);
            if (length == 0) {
                return false;
            }
            if (length < 0) {
                malformed("invalid end of chunked body");
                return false;
            }
            buf.skipBytes(length);
            end(noTrailers);
            return state != State.STOPPED;
        }
        int end = findSectionEnd(buf, start);
        if (end < 0 || end - start > UpstreamCodecs.MAX_HEADER_BYTES) {
            if (end >= 0 || buf.readableBytes() > UpstreamCodecs.MAX_HEADER_BYTES) {
                malformed("trailer section larger than " + UpstreamCodecs.MAX_HEADER_BYTES + " bytes");
            }
            return false;
        }
        trailers.reset(buf);
        String error = FieldLines.parse(buf, start, end, trailers, null);
        if (error != null) {
            malformed(error + " (trailer)");
            return false;
        }
        buf.readerIndex(end);
        end(trailers);
        return state != State.STOPPED;
    }

}
