package dev.zentinel.proxy.http;

import dev.zentinel.proxy.wire.Cumulation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.ArrayDeque;

/**
 * Turns the client's bytes into requests: a {@link RequestHead} per request, then its body as
 * {@code HttpContent} slices of the input ending in a {@code LastHttpContent} (a request without
 * a body is the head alone). Pipelined requests follow one another from the same buffer.
 *
 * <p>A head that is refused ({@link RequestHead#rejection()}) or a body that cannot be de-framed
 * (a {@code LastHttpContent} whose decoder result is a failure) ends decoding for good: whatever
 * arrives afterwards is discarded, since the framing of the stream is no longer known.
 *
 * <p>Memory: only an incomplete head, chunk-size line or trailer section is kept between reads,
 * each bounded by the limits of {@link HeadBoundary} and {@link ChunkedBodyReader}.
 */
final class RequestDecoder extends ChannelInboundHandlerAdapter implements ChunkedBodyReader.Sink {

    private enum State { HEAD, FIXED_BODY, CHUNKED_BODY, REJECTED }

    private final ServerHttpCodec.InboundListener listener;
    private final ArrayDeque<HttpMethod> methods;
    private final int maxPieceBytes;
    /** The most bytes an incomplete head (or chunk-size line, or trailer section) can hold. */
    private final int maxKeptBytes;
    private final HeadBoundary boundary;
    private final ChunkedBodyReader chunked;
    private ChannelHandlerContext ctx;
    private State state = State.HEAD;
    private long remaining;
    /** Bytes kept between reads (an incomplete head or line). */
    private ByteBuf cumulation;
    /** The buffer being decoded, while a read is in progress (messages are fired inside it). */
    private ByteBuf current;

    RequestDecoder(int maxInitialLineBytes, int maxHeaderBytes, int maxPieceBytes,
                   ServerHttpCodec.InboundListener listener, ArrayDeque<HttpMethod> methods) {
        this.listener = listener;
        this.methods = methods;
        this.maxPieceBytes = maxPieceBytes;
        this.maxKeptBytes = maxInitialLineBytes + maxHeaderBytes + 4;
        this.boundary = new HeadBoundary(maxInitialLineBytes, maxHeaderBytes);
        this.chunked = new ChunkedBodyReader(this, maxInitialLineBytes, maxHeaderBytes, maxPieceBytes);
        boundary.reset(true);
    }

    /** True when bytes of a request head or body are buffered but not yet decoded into a message. */
    boolean hasBufferedBytes() {
        ByteBuf buf = current != null ? current : cumulation;
        return buf != null && buf.isReadable();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        listener.onInboundBytes();
        ByteBuf in = (ByteBuf) msg;
        if (state == State.REJECTED) {
            in.release();
            return;
        }
        ByteBuf buf = cumulation == null ? in : Cumulation.append(ctx.alloc(), cumulation, in, maxKeptBytes);
        cumulation = null;
        current = buf;
        try {
            decode(buf);
        } finally {
            current = null;
            if (state != State.REJECTED && buf.isReadable()) {
                cumulation = buf;
            } else {
                buf.release();
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        discard();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        discard();
    }

    private void discard() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }

    private void decode(ByteBuf buf) {
        while (buf.isReadable()) {
            switch (state) {
                case HEAD:
                    if (!readHead(buf)) {
                        return;
                    }
                    break;
                case FIXED_BODY:
                    readFixedBody(buf);
                    break;
                case CHUNKED_BODY:
                    if (!chunked.read(buf)) {
                        return;
                    }
                    break;
                default:
                    buf.skipBytes(buf.readableBytes());
                    return;
            }
        }
    }

    private boolean readHead(ByteBuf buf) {
        if (boundary.atStart()) {
            // RFC 9112 2.2: empty lines before a request line are ignored (some clients send
            // a CRLF after a body).
            int i = buf.readerIndex();
            int end = buf.writerIndex();
            while (i < end && (buf.getByte(i) == '\r' || buf.getByte(i) == '\n')) {
                i++;
            }
            buf.readerIndex(i);
            if (i == end) {
                return false;
            }
        }
        int start = buf.readerIndex();
        int end = boundary.scan(buf, start);
        if (end == HeadBoundary.INCOMPLETE) {
            return false;
        }
        if (end == HeadBoundary.INVALID) {
            reject(RequestHead.rejected(boundary.status()), buf);
            return false;
        }
        byte[] bytes = new byte[end - start];
        buf.getBytes(start, bytes);
        buf.readerIndex(end);
        boundary.reset(true);
        RequestHead head = RequestHeadParser.parse(bytes);
        if (head.rejection() != 0) {
            reject(head, buf);
            return false;
        }
        if (head.chunked()) {
            state = State.CHUNKED_BODY;
            chunked.reset();
        } else if (head.contentLength > 0) {
            state = State.FIXED_BODY;
            remaining = head.contentLength;
        }
        methods.add(head.method());
        ctx.fireChannelRead(head);
        return true;
    }

    private void readFixedBody(ByteBuf buf) {
        int n = (int) Math.min(Math.min(buf.readableBytes(), remaining), maxPieceBytes);
        ByteBuf piece = buf.retainedSlice(buf.readerIndex(), n);
        buf.skipBytes(n);
        remaining -= n;
        if (remaining == 0) {
            state = State.HEAD;
            ctx.fireChannelRead(new DefaultLastHttpContent(piece));
        } else {
            ctx.fireChannelRead(new DefaultHttpContent(piece));
        }
    }

    private void reject(RequestHead head, ByteBuf buf) {
        state = State.REJECTED;
        buf.skipBytes(buf.readableBytes());
        methods.add(head.method());
        ctx.fireChannelRead(head);
    }

    @Override
    public void bodyPiece(ByteBuf piece) {
        ctx.fireChannelRead(new DefaultHttpContent(piece));
    }

    @Override
    public void bodyEnd(HttpHeaders trailers) {
        state = State.HEAD;
        ctx.fireChannelRead(trailers == null ? LastHttpContent.EMPTY_LAST_CONTENT : new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers));
    }

    @Override
    public void bodyFailed(int status, String why) {
        state = State.REJECTED;
        Exception cause = status == 414 ? new TooLongHttpLineException(why)
                : status == 431 ? new TooLongHttpHeaderException(why) : new IllegalArgumentException(why);
        LastHttpContent failed = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
        failed.setDecoderResult(DecoderResult.failure(cause));
        ctx.fireChannelRead(failed);
    }
}
