package dev.zentinel.proxy.http;

import io.netty.buffer.ByteBuf;

/**
 * Finds where a request head (or a chunked body's trailer section) ends in bytes that arrive in
 * pieces, enforcing the size limits as lines complete, so that no more than a limit's worth is
 * ever buffered: the request line may have up to {@code maxLineBytes} bytes (414 beyond), the
 * field lines together up to {@code maxFieldBytes} (431 beyond), both counted without their
 * CRLFs. Every line must end in CRLF; a bare LF is refused at once (400).
 *
 * <p>Scanning resumes where the previous call stopped: positions are kept relative to the start
 * of the section, which stays valid when the caller moves the bytes to a bigger buffer.
 */
final class HeadBoundary {

    static final int INCOMPLETE = -1;
    static final int INVALID = -2;

    private final int maxLineBytes;
    private final int maxFieldBytes;
    private boolean expectRequestLine;
    /** Offset of the first line not yet complete, from the start of the section. */
    private int lineStart;
    private int fieldBytes;
    private int status;

    HeadBoundary(int maxLineBytes, int maxFieldBytes) {
        this.maxLineBytes = maxLineBytes;
        this.maxFieldBytes = maxFieldBytes;
    }

    /** Prepares for a new section: a request head ({@code true}) or a trailer section. */
    void reset(boolean requestHead) {
        expectRequestLine = requestHead;
        lineStart = 0;
        fieldBytes = 0;
        status = 0;
    }

    /** True when nothing of the section has been scanned yet. */
    boolean atStart() {
        return lineStart == 0;
    }

    /** The status for {@link #INVALID}: 400, 414 or 431. */
    int status() {
        return status;
    }

    /**
     * Scans the readable bytes of a section starting at {@code start}; returns the index just past
     * its empty line, {@link #INCOMPLETE}, or {@link #INVALID}.
     */
    int scan(ByteBuf buf, int start) {
        int limit = buf.writerIndex();
        while (true) {
            int from = start + lineStart;
            int lf = buf.indexOf(from, limit, (byte) '\n');
            if (lf < 0) {
                return partialLine(buf, from, limit);
            }
            if (lf == from || buf.getByte(lf - 1) != '\r') {
                return invalid(400); // bare LF
            }
            int length = lf - 1 - from;
            lineStart = lf + 1 - start;
            if (expectRequestLine) {
                expectRequestLine = false;
                if (length > maxLineBytes) {
                    return invalid(414);
                }
            } else if (length == 0) {
                return lf + 1;
            } else {
                fieldBytes += length;
                if (fieldBytes > maxFieldBytes) {
                    return invalid(431);
                }
            }
        }
    }

    /** Checks that the line still arriving can end within its limit. */
    private int partialLine(ByteBuf buf, int from, int limit) {
        int length = limit - from;
        if (length > 0 && buf.getByte(limit - 1) == '\r') {
            length--; // its LF may be next
        }
        if (expectRequestLine ? length > maxLineBytes : fieldBytes + length > maxFieldBytes) {
            return invalid(expectRequestLine ? 414 : 431);
        }
        return INCOMPLETE;
    }

    private int invalid(int why) {
        status = why;
        return INVALID;
    }
}
