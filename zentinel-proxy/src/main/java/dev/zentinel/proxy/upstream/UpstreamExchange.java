package dev.zentinel.proxy.upstream;

import io.netty.buffer.ByteBuf;

/**
 * The client side of one request while it is bound to an {@link UpstreamConnection}. All
 * callbacks run on the event loop shared by the client and the upstream channel.
 */
public interface UpstreamExchange {

    /** A 1xx response (e.g. 100 Continue); the final response follows. Valid only during the call. */
    void onInterimResponse(UpstreamResponseHead head);

    /**
     * The final response head, valid only during the call. Body pieces follow unless
     * {@link UpstreamResponseHead#bodiless()}; {@link #onResponseEnd} follows in every case.
     */
    void onResponseHead(UpstreamResponseHead head);

    /** A piece of the response body, de-chunked. Ownership passes to the callee. */
    void onResponseBody(ByteBuf piece);

    /** The response is complete; trailer fields (usually none) are valid only during the call. */
    void onResponseEnd(ResponseFields trailers);

    /** The end of one read batch from the upstream: the moment to flush what was forwarded. */
    void onUpstreamReadComplete();

    /** The upstream connection broke or timed out; the connection is already closed and detached. */
    void onUpstreamFailure(UpstreamFailure failure);

    /** The upstream channel can take more request body again. */
    void onUpstreamWritable();
}
