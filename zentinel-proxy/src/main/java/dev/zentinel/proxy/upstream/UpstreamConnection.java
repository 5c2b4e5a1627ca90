package dev.zentinel.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * One keep-alive HTTP/1.1 connection to an upstream target, either bound to a client's
 * {@link UpstreamExchange} or idle in its {@link TargetPool}.
 *
 * <p>Reading is demand driven (auto-read is off): while bound it reads as long as the client
 * can take the data; while idle it keeps a read pending so an origin's close (or stray bytes)
 * is noticed at once and the connection leaves the pool instead of being handed out broken.
 *
 * <p>The channel has no HTTP codec: responses are read by this connection's {@link ResponseParser}
 * and requests are written as bytes the client side has framed already.
 *
 * <p>One lazily re-armed timer covers both the read timeout (while bound: no response byte for
 * {@code read-timeout} after the request was sent) and the idle timeout (while pooled).
 */
public final class UpstreamConnection extends ChannelInboundHandlerAdapter {

    static final String NAME = "upstream";

    private final TargetPool pool;
    private ChannelHandlerContext ctx;

    private final ResponseParser parser = new ResponseParser(new Reader());
    private UpstreamExchange exchange;
    private boolean idle;
    private int exchanges;
    private boolean headRequest;
    private boolean responseStarted;
    private boolean responseComplete;
    private boolean keepAlive;
    private boolean readTimerActive;
    private boolean paused;
    private long lastReadNanos;
    private long idleSinceNanos;
    private final DeadlineTimer timer = new DeadlineTimer(this::onTimer);

    UpstreamConnection(TargetPool pool) {
        this.pool = pool;
    }

    /** The handler of a channel opened by {@link TargetPool#connect()}. */
    public static UpstreamConnection of(Channel channel) {
        return (UpstreamConnection) channel.pipeline().get(NAME);
    }

    public TargetPool pool() {
        return pool;
    }

    /**
     * Binds this connection to a request. It must be open and neither idle nor bound.
     * {@code headRequest}: the request is HEAD, so its response has no body whatever it declares.
     */
    public void bind(UpstreamExchange exchange, boolean headRequest) {
        this.exchange = exchange;
        this.headRequest = headRequest;
        this.responseStarted = false;
        this.responseComplete = false;
        this.keepAlive = true;
        this.readTimerActive = false;
        this.paused = false;
        exchanges++;
        // Read from the start: an origin may answer (e.g. 413) before the request body is done.
        ctx.read();
    }

    /** True when this connection already served an earlier exchange (a pooled reuse). */
    public boolean reused() {
        return exchanges > 1;
    }

    /** True once any byte of the final response has been received. */
    public boolean responseStarted() {
        return responseStarted;
    }

    public void write(Object msg) {
        ctx.write(msg, ctx.voidPromise());
    }

    public void writeAndFlush(Object msg) {
        ctx.writeAndFlush(msg, ctx.voidPromise());
    }

    public void flush() {
        ctx.flush();
    }

    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    /**
     * The whole request has been written: from now on the origin owes us bytes within read-timeout.
     * {@code nowNanos} is the caller's recent {@link System#nanoTime()} reading (saves a clock read).
     */
    public void requestSent(long nowNanos) {
        readTimerActive = true;
        lastReadNanos = nowNanos;
        armTimer(lastReadNanos + pool.readTimeoutNanos());
    }

    /** The client cannot take more; stop reading until {@link #resumeReading()}. */
    public void pauseReading() {
        paused = true;
    }

    public void resumeReading() {
        if (paused) {
            paused = false;
            // Time spent waiting for the client is not the origin's fault.
            lastReadNanos = System.nanoTime();
            if (readTimerActive) {
                armTimer(lastReadNanos + pool.readTimeoutNanos());
            }
            ctx.read();
        }
    }

    /**
     * Ends the binding after the response completed. The connection returns to its pool when both
     * sides finished cleanly and the origin allows keep-alive; otherwise it is closed. {@code nowNanos}
     * is the caller's {@link System#nanoTime()} reading (the idle timeout starts then).
     */
    public void release(boolean requestComplete, long nowNanos) {
        UpstreamExchange was = exchange;
        exchange = null;
        readTimerActive = false;
        if (was != null && requestComplete && responseComplete && keepAlive && ctx.channel().isActive()
                && parser.betweenResponses()) {
            pool.offer(this, nowNanos);
        } else {
            close();
        }
    }

    /** Ends the binding abnormally (client gone, request rejected): the connection is closed. */
    public void abort() {
        exchange = null;
        readTimerActive = false;
        close();
    }

    void close() {
        idle = false;
        parser.stop();
        ctx.close();
    }

    /** Called by the pool when parking this connection; false if it is no longer usable. */
    boolean enterIdle(long nowNanos) {
        if (!ctx.channel().isActive()) {
            return false;
        }
        idle = true;
        idleSinceNanos = nowNanos;
        armTimer(idleSinceNanos + pool.idleTimeoutNanos());
        // Keep a read pending so an origin-side close is seen while we sit in the pool.
        ctx.read();
        return true;
    }

    /** Called by the pool when handing this connection out; false if it died meanwhile. */
    boolean leaveIdle() {
        idle = false;
        if (!ctx.channel().isActive()) {
            ctx.close();
            return false;
        }
        return true;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (exchange != null) {
            lastReadNanos = System.nanoTime();
        }
        // Bytes nobody asked for (idle, or after the response ended) end in Reader.onUnexpectedBytes.
        parser.feed(ctx.alloc(), (ByteBuf) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onUpstreamReadComplete();
        }
        if ((exchange != null && !paused) || idle) {
            ctx.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null && ctx.channel().isWritable()) {
            exchange.onUpstreamWritable();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        timer.cancel();
        // A close-delimited response ends here (and releases this connection through the exchange).
        parser.endOfInput();
        if (idle) {
            idle = false;
            pool.remove(this);
        }
        if (exchange != null) {
            fail(UpstreamFailure.RESET);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets and decoder errors alike end this connection; channelInactive reports to the exchange.
        ctx.close();
    }

    private void fail(UpstreamFailure failure) {
        UpstreamExchange ex = exchange;
        exchange = null;
        readTimerActive = false;
        parser.stop();
        ctx.close();
        if (ex != null) {
            ex.onUpstreamFailure(failure);
        }
    }

    private void armTimer(long dueNanos) {
        timer.armBy(ctx.executor(), dueNanos);
    }

    private void onTimer() {
        timer.fired();
        long now = System.nanoTime();
        if (exchange != null) {
            if (readTimerActive && !paused) {
                long due = lastReadNanos + pool.readTimeoutNanos();
                if (now - due >= 0) {
                    fail(UpstreamFailure.READ_TIMEOUT);
                } else {
                    armTimer(due);
                }
            }
        } else if (idle) {
            long due = idleSinceNanos + pool.idleTimeoutNanos();
            if (now - due >= 0) {
                idle = false;
                pool.remove(this);
                ctx.close();
            } else {
                armTimer(due);
            }
        }
    }

    /** What the parser finds, handed to the bound exchange. */
    private final class Reader implements ResponseParser.Sink {

        @Override
        public boolean awaitingResponse() {
            return exchange != null;
        }

        @Override
        public boolean headRequest() {
            return headRequest;
        }

        @Override
        public void onHead(UpstreamResponseHead head) {
            UpstreamExchange ex = exchange;
            if (head.status() < 200) {
                if (head.status() == 101) {
                    // We never forward Upgrade, so an origin switching protocols is broken.
                    fail(UpstreamFailure.RESET);
                    return;
                }
                ex.onInterimResponse(head);
                return;
            }
            responseStarted = true;
            keepAlive = head.keepAlive();
            ex.onResponseHead(head);
        }

        @Override
        public void onBody(ByteBuf piece) {
            UpstreamExchange ex = exchange;
            if (ex == null) {
                piece.release();
                return;
            }
            ex.onResponseBody(piece);
        }

        @Override
        public void onEnd(ResponseFields trailers) {
            UpstreamExchange ex = exchange;
            responseComplete = true;
            if (ex != null) {
                ex.onResponseEnd(trailers);
            }
        }

        @Override
        public void onMalformed(String why) {
            fail(UpstreamFailure.RESET);
        }

        @Override
        public void onUnexpectedBytes() {
            // The connection is out of sync with the origin and must not be reused.
            close();
        }
    }
}
