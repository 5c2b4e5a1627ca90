package dev.zentinel.proxy.http;

import dev.zentinel.proxy.upstream.ResponseFields;
import dev.zentinel.proxy.upstream.UpstreamResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * Writes an origin's response to the client: the head rewritten for this client (framing, the
 * Connection field), the body as it arrives (re-chunked when the client cannot get it framed the
 * origin's way), the trailers. Writes only; flushing and the exchange's bookkeeping stay with the
 * connection.
 *
 * <p>The head is held back until the body's first piece or the end of the read batch, so that a
 * small body travels in the same buffer as its head: one write, one buffer.
 */
final class ResponseRelay {

    /** Response bodies up to this size are copied into the buffer of their head. */
    static final int COALESCED_BODY_BYTES = 1024;

    private final ChannelHandlerContext ctx;
    private ByteBuf heldHead;
    /** The body is chunked towards the client (origin chunked or close-delimited, client HTTP/1.1). */
    private boolean chunkToClient;
    /** The body the origin sends must not reach the client (205 Reset Content). */
    private boolean dropBody;

    ResponseRelay(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** A 1xx response: written and flushed at once, never with framing fields. */
    void interim(UpstreamResponseHead head) {
        ctx.write(ResponseHeadWriter.write(ctx.alloc(), head,
                ResponseHeadWriter.DROP_CONTENT_LENGTH | ResponseHeadWriter.DROP_TRANSFER_ENCODING), ctx.voidPromise());
        ctx.flush();
    }

    /**
     * Prepares the final response's head (held, not yet written).
     *
     * @param http10        the client spoke HTTP/1.0 (no chunked framing, keep-alive only when said)
     * @param closeAfter    the connection already has to close after this response
     * @return whether the connection has to close after this response: {@code closeAfter}, or
     *         because an HTTP/1.0 client can only see this body's end as the connection's end
     */
    boolean begin(UpstreamResponseHead head, boolean http10, boolean closeAfter) {
        boolean close = closeAfter;
        chunkToClient = false;
        dropBody = false;
        int options = 0;
        if (!head.bodiless()) {
            if (head.chunked()) {
                if (http10) {
                    options |= ResponseHeadWriter.DROP_TRANSFER_ENCODING;
                    close = true;
                } else {
                    chunkToClient = true;
                }
            } else if (!head.contentLengthKnown()) {
                // Close-delimited origin response: chunk it so the client connection survives.
                if (http10) {
                    close = true;
                } else {
                    options |= ResponseHeadWriter.ADD_CHUNKED;
                    chunkToClient = true;
                }
            }
        }
        int status = head.status();
        if (status == 204) {
            options |= ResponseHeadWriter.DROP_CONTENT_LENGTH | ResponseHeadWriter.DROP_TRANSFER_ENCODING;
        } else if (status == 205) {
            // RFC 9110 15.3.6: no content; whatever the origin sends is dropped.
            options = (options & ~ResponseHeadWriter.ADD_CHUNKED) | ResponseHeadWriter.DROP_CONTENT_LENGTH
                    | ResponseHeadWriter.DROP_TRANSFER_ENCODING | ResponseHeadWriter.CONTENT_LENGTH_ZERO;
            chunkToClient = false;
            dropBody = true;
        }
        if (close) {
            options |= ResponseHeadWriter.CONNECTION_CLOSE;
        } else if (http10) {
            options |= ResponseHeadWriter.CONNECTION_KEEP_ALIVE;
        }
        int bodyRoom = !chunkToClient && !dropBody && head.contentLengthKnown()
                && head.contentLength() <= COALESCED_BODY_BYTES ? (int) head.contentLength() : 0;
        heldHead = ResponseHeadWriter.write(ctx.alloc(), head, options, bodyRoom);
        return close;
    }

    /**
     * One piece of the body; ownership passes.
     *
     * @return whether something was written to the channel (and wants a flush); false when the
     *         piece was dropped or copied into the held head
     */
    boolean body(ByteBuf piece) {
        if (dropBody) {
            piece.release();
            return false;
        }
        int length = piece.readableBytes();
        ByteBuf held = heldHead;
        if (held != null) {
            if (!chunkToClient && length <= held.maxFastWritableBytes()) {
                held.writeBytes(piece);
                piece.release();
                return false;
            }
            writeHeldHead();
        }
        if (chunkToClient) {
            ctx.write(ChunkFraming.sizeLine(ctx.alloc(), length), ctx.voidPromise());
            ctx.write(piece, ctx.voidPromise());
            ctx.write(ChunkFraming.crlf(), ctx.voidPromise());
        } else {
            ctx.write(piece, ctx.voidPromise());
        }
        return true;
    }

    /** The body's end: the held head if still held, and the last chunk with the trailers when chunking. @return whether the last chunk was written */
    boolean end(ResponseFields trailers) {
        writeHeldHead();
        if (chunkToClient) {
            ctx.write(ChunkFraming.lastChunk(ctx.alloc(), trailers), ctx.voidPromise());
            return true;
        }
        return false;
    }

    /** Writes the held head, if any (the read batch ended before the body did). */
    void writeHeldHead() {
        ByteBuf held = heldHead;
        if (held != null) {
            heldHead = null;
            ctx.write(held, ctx.voidPromise());
        }
    }

    /** Drops the held head, if any (the connection is going away). */
    void releaseHeldHead() {
        ByteBuf held = heldHead;
        if (held != null) {
            heldHead = null;
            held.release();
        }
    }
}
