package dev.zentinel.proxy.server;

import dev.zentinel.proxy.wire.FieldNames;
import dev.zentinel.proxy.wire.HttpSyntax;
import dev.zentinel.proxy.wire.ListElements;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Finds where each HTTP/1.1 message of a byte stream ends, reading no more than its head: the
 * warm-up's own client and origin need to know only when an answer (or a request) is complete,
 * not what it says. A full HTTP codec would parse and build header objects for every message,
 * and the JIT would compile that codec although real traffic never runs it (the proxy has
 * parsers of its own). Each head is copied into one bounded array; the body is skipped by count.
 * Not thread-safe: one reader per connection, used on its event loop.
 */
final class RawMessageReader {

    /** The longest head accepted: far above what the warm-up's peers send each other. */
    static final int DEFAULT_MAX_HEAD_BYTES = 16 * 1024;
    /** What {@code bodyLength} answers for a body that ends when the connection does. */
    static final long UNTIL_CLOSE = -1;

    private final byte[] head;
    private final ToLongFunction<Head> bodyLength;
    private int headLength;
    private boolean inBody;
    private long bodyLeft;
    private Head current;

    /**
     * @param bodyLength the body's length for a head just read: 0 for none, {@link #UNTIL_CLOSE};
     *                   it may throw {@link IllegalStateException} for a framing it does not take
     */
    RawMessageReader(int maxHeadBytes, ToLongFunction<Head> bodyLength) {
        if (maxHeadBytes < 16) {
            throw new IllegalArgumentException("maxHeadBytes must be at least 16, got " + maxHeadBytes);
        }
        this.head = new byte[maxHeadBytes];
        this.bodyLength = bodyLength;
    }

    /**
     * Consumes all of {@code in} (without releasing it), calling {@code ended} for every message
     * that ends in it, in order.
     *
     * @throws IllegalStateException on a head that is too long or malformed
     */
    void read(ByteBuf in, Consumer<Head> ended) {
        while (in.isReadable()) {
            if (inBody) {
                if (bodyLeft == UNTIL_CLOSE) {
                    in.skipBytes(in.readableBytes());
                    return;
                }
                int skip = (int) Math.min(bodyLeft, in.readableBytes());
                in.skipBytes(skip);
                bodyLeft -= skip;
                if (bodyLeft == 0) {
                    endMessage(ended);
                }
            } else if (readHead(in)) {
                current = Head.parse(head, headLength);
                headLength = 0;
                bodyLeft = bodyLength.applyAsLong(current);
                inBody = true;
                if (bodyLeft == 0) {
                    endMessage(ended);
                }
            }
        }
    }

    /**
     * The connection has closed: a body that was to end with it has ended ({@code ended} is
     * called); returns whether the stream stopped between messages, i.e. nothing was cut off.
     */
    boolean closed(Consumer<Head> ended) {
        if (inBody && bodyLeft == UNTIL_CLOSE) {
            endMessage(ended);
            return true;
        }
        return !inBody && headLength == 0;
    }

    private void endMessage(Consumer<Head> ended) {
        Head done = current;
        inBody = false;
        current = null;
        ended.accept(done);
    }

    /** Copies head bytes until the blank line; returns whether the head is complete. */
    private boolean readHead(ByteBuf in) {
        int take = Math.min(in.readableBytes(), head.length - headLength);
        if (take == 0) {
            throw new IllegalStateException("message head longer than " + head.length + " bytes");
        }
        int from = headLength;
        in.getBytes(in.readerIndex(), head, from, take);
        int end = headEnd(Math.max(0, from - 3), from + take);
        if (end < 0) {
            headLength = from + take;
            in.skipBytes(take);
            return false;
        }
        headLength = end;
        in.skipBytes(end - from);
        return true;
    }

    /** The index just past the first CR LF CR LF within head[from, to), or -1. */
    private int headEnd(int from, int to) {
        for (int i = from; i + 3 < to; i++) {
            if (head[i] == '\r' && head[i + 1] == '\n' && head[i + 2] == '\r' && head[i + 3] == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    /**
     * What the peers need of a head: its start line's first token (a request's method) and, for
     * a response, the status; the Content-Length, whether Connection says close and whether a
     * Transfer-Encoding is present.
     */
    record Head(String firstToken, int status, long contentLength, boolean close, boolean transferEncoding) {

        /** Whether this is a request with the method HEAD (a response to it has no body). */
        boolean isHeadRequest() {
            return firstToken.equals("HEAD");
        }

        static Head parse(byte[] b, int length) {
            int lineEnd = lineEnd(b, 0, length);
            int space = indexOf(b, (byte) ' ', 0, lineEnd);
            if (space <= 0) {
                throw new IllegalStateException("malformed start line: " + text(b, 0, lineEnd));
            }
            String first = text(b, 0, space);
            int status = first.startsWith("HTTP/") ? status(b, space + 1, lineEnd) : 0;
            long contentLength = -1;
            boolean close = false;
            boolean transferEncoding = false;
            // The head ends with the blank line's CR LF at length - 2.
            for (int line = lineEnd + 2, end; line < length - 2; line = end + 2) {
                end = lineEnd(b, line, length);
                int colon = indexOf(b, (byte) ':', line, end);
                if (colon <= line) {
                    throw new IllegalStateException("malformed header line: " + text(b, line, end));
                }
                int valueFrom = skipSpaces(b, colon + 1, end);
                switch (FieldNames.classify(b, line, colon)) {
                    case FieldNames.CONTENT_LENGTH -> contentLength = number(b, valueFrom, end);
                    case FieldNames.CONNECTION -> close |= ListElements.contains(b, valueFrom, end, "close");
                    case FieldNames.TRANSFER_ENCODING -> transferEncoding = true;
                    default -> { }
                }
            }
            return new Head(first, status, contentLength, close, transferEncoding);
        }

        private static int status(byte[] b, int from, int lineEnd) {
            if (lineEnd - from < 3) {
                throw new IllegalStateException("malformed status line: " + text(b, 0, lineEnd));
            }
            int status = 0;
            for (int i = from; i < from + 3; i++) {
                if (!HttpSyntax.isDigit(b[i])) {
                    throw new IllegalStateException("malformed status line: " + text(b, 0, lineEnd));
                }
                status = status * 10 + (b[i] - '0');
            }
            return status;
        }

        private static long number(byte[] b, int from, int to) {
            int end = to;
            while (end > from && HttpSyntax.isWhitespace(b[end - 1])) {
                end--;
            }
            if (end == from || end - from > 18) {
                throw new IllegalStateException("bad Content-Length: " + text(b, from, to));
            }
            long n = 0;
            for (int i = from; i < end; i++) {
                if (!HttpSyntax.isDigit(b[i])) {
                    throw new IllegalStateException("bad Content-Length: " + text(b, from, to));
                }
                n = n * 10 + (b[i] - '0');
            }
            return n;
        }

        /** The index of the CR of the CR LF ending the line that starts at {@code from}. */
        private static int lineEnd(byte[] b, int from, int length) {
            for (int i = from; i + 1 < length; i++) {
                if (b[i] == '\r' && b[i + 1] == '\n') {
                    return i;
                }
            }
            throw new IllegalStateException("line without CR LF in a message head");
        }

        private static int indexOf(byte[] b, byte c, int from, int to) {
            for (int i = from; i < to; i++) {
                if (b[i] == c) {
                    return i;
                }
            }
            return -1;
        }

        private static int skipSpaces(byte[] b, int from, int to) {
            int i = from;
            while (i < to && HttpSyntax.isWhitespace(b[i])) {
                i++;
            }
            return i;
        }

        private static String text(byte[] b, int from, int to) {
            return new String(b, from, Math.max(0, Math.min(to, from + 200) - from), StandardCharsets.ISO_8859_1);
        }
    }
}
