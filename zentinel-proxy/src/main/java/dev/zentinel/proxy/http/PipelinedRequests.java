package dev.zentinel.proxy.http;

import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Requests (heads and body pieces) a client pipelined while an earlier one is being answered,
 * kept in arrival order and bounded twice: by count ({@code max-pipelined-requests}) and by the
 * body bytes read ahead. Once refusing, nothing more is taken: the client retries what was not
 * answered on a new connection (RFC 9112 9.3.2).
 */
final class PipelinedRequests {

    /** Bytes of pipelined request bodies read ahead while an earlier response is in progress. */
    static final int READ_AHEAD_BYTES = 65_536;

    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private final int maxRequests;
    private int requests;
    private long bodyBytes;
    private boolean refusing;

    PipelinedRequests(int maxRequests) {
        this.maxRequests = Math.max(1, maxRequests);
    }

    /** Takes {@code msg} (a {@link RequestHead} or body piece) or releases it when refusing or full. */
    void add(Object msg) {
        if (refusing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof RequestHead) {
            if (requests >= maxRequests) {
                // Over the limit: what was accepted is answered, then the connection closes.
                refusing = true;
                ReferenceCountUtil.release(msg);
                return;
            }
            requests++;
        } else if (msg instanceof HttpContent) {
            bodyBytes += ((HttpContent) msg).content().readableBytes();
        }
        queue.add(msg);
    }

    /** The oldest message, or null. */
    Object poll() {
        Object msg = queue.poll();
        if (msg instanceof RequestHead) {
            requests--;
        } else if (msg instanceof HttpContent) {
            bodyBytes -= ((HttpContent) msg).content().readableBytes();
        }
        return msg;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Request heads waiting. */
    int requests() {
        return requests;
    }

    /** From now on nothing more is taken (draining, or the limit was reached). */
    void refuseFurther() {
        refusing = true;
    }

    boolean refusing() {
        return refusing;
    }

    /** Whether reading further pipelined input is worthwhile: not refusing, and under both bounds. */
    boolean hasRoom() {
        return !refusing && requests < maxRequests && bodyBytes < READ_AHEAD_BYTES;
    }

    /** Releases everything waiting. */
    void clear() {
        Object msg;
        while ((msg = queue.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
        requests = 0;
        bodyBytes = 0;
    }
}
