package dev.zentinel.proxy.upstream;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/**
 * The client side of one request while it is bound to an {@link UpstreamConnection}. All
 * callbacks run on the event loop shared by the client and the upstream channel.
 */
public interface UpstreamExchange {

    /** A 1xx response (e.g. 100 Continue); the final response follows. */
    void onInterimResponse(HttpResponse response);

    /** The final response head. Ownership of the message passes to the callee. */
    void onResponseHead(HttpResponse response);

    /** Response body; a {@code LastHttpContent} ends the response. Ownership passes to the callee. */
    void onResponseContent(HttpContent content);

    /** The end of one read batch from the upstream: the moment to flush what was forwarded. */
    void onUpstreamReadComplete();

    /** The upstream connection broke or timed out; the connection is already closed and detached. */
    void onUpstreamFailure(UpstreamFailure failure);

    /** The upstream channel can take more request body again. */
    void onUpstreamWritable();
}
