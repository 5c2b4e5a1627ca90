package dev.zentinel.proxy.http;

import dev.zentinel.proxy.config.LimitsConfig;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayDeque;

/**
 * The client-facing HTTP/1.1 codec: our own {@link RequestDecoder} for requests, Netty's response
 * encoder for the proxy's own responses (forwarded responses pass it by as bytes). It remembers
 * the method of every decoded request so the response to a HEAD request is encoded without a
 * body; the decoder tells the {@link ClientConnection} when bytes arrive (for the header and idle
 * timers) and whether a partial request is sitting in its buffer (so a draining connection is
 * never closed under a request that has started to arrive).
 *
 * <p>One combined handler rather than a decoder and an encoder in the pipeline: splitting them
 * was measured (docs/benchmark.md, third pass) and did not help; Netty's shared handler call
 * sites see one more receiver type that way.
 */
final class ServerHttpCodec extends CombinedChannelDuplexHandler<RequestDecoder, ServerHttpCodec.ResponseEncoder> {

    /** Receives a call before each inbound buffer is decoded. */
    interface InboundListener {
        void onInboundBytes();
    }

    private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>();

    ServerHttpCodec(LimitsConfig limits, InboundListener listener) {
        init(new RequestDecoder(limits.maxInitialLineBytes(), limits.maxHeaderBytes(), ClientPipeline.MAX_CHUNK_BYTES,
                listener, methods), new ResponseEncoder(methods));
    }

    /**
     * A forwarded response is about to be written as bytes (bypassing the encoder): it answers the
     * oldest request, as an encoded final response would.
     */
    void forwardedResponseStarted() {
        methods.poll();
    }

    /** True when bytes of a request head or body are buffered but not yet decoded into a message. */
    boolean hasBufferedBytes() {
        return inboundHandler().hasBufferedBytes();
    }

    static final class ResponseEncoder extends HttpResponseEncoder {

        private final ArrayDeque<HttpMethod> methods;
        private HttpMethod method;

        ResponseEncoder(ArrayDeque<HttpMethod> methods) {
            this.methods = methods;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof ByteBuf) {
                // A forwarded response, framed already (ResponseHeadWriter, ChunkFraming); between
                // messages the encoder is idle, so passing bytes by leaves its state as it is.
                ctx.write(msg, promise);
                return;
            }
            super.write(ctx, msg, promise);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            // An interim (1xx) response is followed by the final one for the same request.
            method = msg.status().codeClass() == HttpStatusClass.INFORMATIONAL ? methods.peek() : methods.poll();
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
        }

        @Override
        protected void sanitizeHeadersBeforeEncode(HttpResponse msg, boolean isAlwaysEmpty) {
            if (!isAlwaysEmpty && HttpMethod.CONNECT.equals(method) && msg.status().codeClass() == HttpStatusClass.SUCCESS) {
                msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
                return;
            }
            super.sanitizeHeadersBeforeEncode(msg, isAlwaysEmpty);
        }
    }
}
