package dev.zentinel.proxy.http;

import dev.zentinel.proxy.balance.Target;
import dev.zentinel.proxy.upstream.TargetPool;
import dev.zentinel.proxy.upstream.UpstreamConnection;
import dev.zentinel.proxy.upstream.UpstreamExchange;
import dev.zentinel.proxy.upstream.UpstreamGroup;
import dev.zentinel.proxy.upstream.UpstreamPools;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;

/**
 * The upstream side of one client connection's current exchange: the target it goes to (a target
 * a connect already failed to is passed over), the connection bound to it, pooled or still being
 * opened, and the request body that arrives while that connect is in progress. It holds and
 * releases these and moves request bytes; whether to connect again, replay or give up stays
 * with the exchange ({@link ClientConnection}), which knows the request and the response so far.
 *
 * <p>Event loop only, like its connection.
 */
final class UpstreamLeg {

    private final TargetChoice targets = new TargetChoice();
    private final ArrayDeque<HttpContent> earlyBody = new ArrayDeque<>(4);
    private UpstreamGroup group;
    private boolean chunked;
    private boolean replayed;
    private Target target;
    private UpstreamConnection connection;
    private ChannelFuture pendingConnect;

    /**
     * A new exchange goes to {@code group}; a {@code chunked} request body is re-chunked towards
     * the origin.
     */
    void begin(UpstreamGroup group, boolean chunked) {
        this.group = group;
        this.chunked = chunked;
        targets.reset();
        replayed = false;
    }

    /** The exchange is over; nothing of it is held any more. */
    void end() {
        group = null;
    }

    /**
     * Picks a target and takes an idle pooled connection to it, or (none idle, or a replay, which
     * must not meet another stale one) starts a connect that reports to {@code onConnect} and
     * answers null.
     */
    UpstreamConnection acquire(UpstreamPools pools, ChannelFutureListener onConnect) {
        target = targets.pick(group.balancer());
        target.acquire();
        TargetPool pool = pools.pool(group, target);
        UpstreamConnection pooled = replayed ? null : pool.pollIdle();
        if (pooled == null) {
            targets.attempt();
            pendingConnect = pool.connect();
            pendingConnect.addListener(onConnect);
        }
        return pooled;
    }

    /**
     * Whether {@code future} is the connect this leg is waiting for; if it is, the leg waits no
     * longer. A connect for an exchange that has moved on answers false.
     */
    boolean awaited(ChannelFuture future) {
        if (future != pendingConnect) {
            return false;
        }
        pendingConnect = null;
        return true;
    }

    /** The awaited connect failed: its target is passed over; answers whether another attempt is allowed. */
    boolean connectFailed() {
        targets.failed(target);
        releaseTarget();
        return targets.attempts() < group.connectAttempts();
    }

    /**
     * Binds {@code to} to {@code exchange} and writes the request head, then the body that arrived
     * while connecting (a replayed request has none). Nothing is flushed.
     */
    void bind(UpstreamConnection to, UpstreamExchange exchange, boolean headRequest, ByteBuf head,
            ByteBufAllocator alloc) {
        connection = to;
        to.bind(exchange, headRequest);
        to.write(head);
        HttpContent content;
        while ((content = earlyBody.poll()) != null) {
            write(content, alloc);
        }
    }

    /**
     * A piece of request body (ownership passes): written to the bound connection, kept while a
     * connect is in progress, dropped when there is no upstream any more. Answers whether it was
     * written (then it needs a flush); the last piece written marks the request sent at
     * {@code nowNanos}, from when the origin's read timeout counts.
     */
    boolean send(HttpContent content, ByteBufAllocator alloc, long nowNanos) {
        if (connection != null) {
            boolean last = content instanceof LastHttpContent;
            write(content, alloc);
            if (last) {
                connection.requestSent(nowNanos);
            }
            return true;
        }
        if (pendingConnect != null) {
            earlyBody.add(content);
        } else {
            content.release();
        }
        return false;
    }

    private void write(HttpContent content, ByteBufAllocator alloc) {
        ByteBuf data = content.content();
        HttpHeaders trailers = chunked && content instanceof LastHttpContent
                ? ((LastHttpContent) content).trailingHeaders() : null;
        if (!data.isReadable()) {
            content.release();
        } else if (chunked) {
            connection.write(ChunkFraming.sizeLine(alloc, data.readableBytes()));
            connection.write(data);
            connection.write(ChunkFraming.crlf());
        } else {
            connection.write(data);
        }
        if (trailers != null) {
            connection.write(ChunkFraming.lastChunk(alloc, trailers));
        }
    }

    /** The whole request is written: the origin's read timeout counts from {@code nowNanos}. */
    void requestSent(long nowNanos) {
        connection.requestSent(nowNanos);
    }

    /** The response is complete: the connection goes back to its pool (or closes) and the target is free. */
    void complete(boolean requestComplete, long nowNanos) {
        UpstreamConnection done = connection;
        connection = null;
        if (done != null) {
            done.release(requestComplete, nowNanos);
        }
        releaseTarget();
    }

    /** The bound connection failed: the leg lets go of it and of its target, and answers it (null if none). */
    UpstreamConnection dropFailed() {
        UpstreamConnection failed = connection;
        connection = null;
        releaseTarget();
        return failed;
    }

    /**
     * Whether a request whose {@code failed} connection broke may be sent again on a fresh one:
     * once per exchange, and only when that connection was a pooled reuse (the origin closed it
     * just as it was handed out). Answering yes uses up the replay.
     */
    boolean replayAfter(UpstreamConnection failed) {
        if (replayed || failed == null || !failed.reused()) {
            return false;
        }
        replayed = true;
        return true;
    }

    /** Abandons the upstream side: the connection is aborted, a connect in progress forgotten. */
    void abort() {
        if (connection != null) {
            connection.abort();
            connection = null;
        }
        pendingConnect = null;
        releaseTarget();
        releaseEarlyBody();
    }

    void releaseEarlyBody() {
        HttpContent content;
        while ((content = earlyBody.poll()) != null) {
            content.release();
        }
    }

    private void releaseTarget() {
        if (target != null) {
            target.release();
            target = null;
        }
    }

    /** A connection is bound and can take more request body now. */
    boolean writable() {
        return connection != null && connection.isWritable();
    }

    void flush() {
        if (connection != null) {
            connection.flush();
        }
    }

    /** Stops reading the response (the client is not taking it); answers whether a connection was bound. */
    boolean pauseReading() {
        if (connection == null) {
            return false;
        }
        connection.pauseReading();
        return true;
    }

    void resumeReading() {
        if (connection != null) {
            connection.resumeReading();
        }
    }
}
