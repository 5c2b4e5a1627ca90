package dev.zentinel.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The client-facing HTTP/1.1 codec. Like Netty's HttpServerCodec it remembers the method of
 * every decoded request so the response to a HEAD request is encoded without a body; in
 * addition it tells the {@link ClientConnection} when bytes arrive (for the header and idle
 * timers) and whether a partial request is sitting in its buffer (so a draining connection is
 * never closed under a request that has started to arrive).
 *
 * <p>One combined handler rather than a decoder and an encoder in the pipeline: splitting them
 * was measured (docs/benchmark.md, third pass) and did not help; Netty's shared handler call
 * sites see one more receiver type that way.
 */
final class ServerHttpCodec extends CombinedChannelDuplexHandler<ServerHttpCodec.RequestDecoder, ServerHttpCodec.ResponseEncoder> {

    /** Receives a call before each inbound buffer is decoded. */
    interface InboundListener {
        void onInboundBytes();
    }

    private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>();

    ServerHttpCodec(HttpDecoderConfig config, InboundListener listener) {
        init(new RequestDecoder(config, listener, methods), new ResponseEncoder(methods));
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

    static final class RequestDecoder extends HttpRequestDecoder {

        private final InboundListener listener;
        private final ArrayDeque<HttpMethod> methods;
        /** Between requests or inside a request head (as opposed to inside a body). */
        private boolean inHead = true;
        /** The unread input starts at a header line (the request line was consumed already). */
        private boolean atHeaderLine;
        /** A request was refused here; everything after it is discarded. */
        private boolean rejected;
        /** The request whose head is being parsed (its field counts are being taken). */
        private DecodedRequest parsing;

        RequestDecoder(HttpDecoderConfig config, InboundListener listener, ArrayDeque<HttpMethod> methods) {
            super(config);
            this.listener = listener;
            this.methods = methods;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof ByteBuf) {
                listener.onInboundBytes();
            }
            super.channelRead(ctx, msg);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            if (rejected) {
                buffer.skipBytes(buffer.readableBytes());
                return;
            }
            if (inHead && startsFoldedLine(buffer)) {
                reject(buffer, out, "obsolete line folding (obs-fold) in request header");
                return;
            }
            int before = out.size();
            int readerBefore = buffer.readerIndex();
            super.decode(ctx, buffer, out);
            boolean emitted = false;
            for (int i = before, n = out.size(); i < n; i++) {
                Object message = out.get(i);
                if (message instanceof HttpRequest) {
                    methods.add(((HttpRequest) message).method());
                    parsing = null; // what follows are trailers at most, not head fields
                    inHead = false;
                    atHeaderLine = false;
                    emitted = true;
                }
                if (message instanceof LastHttpContent) {
                    inHead = true;
                }
            }
            if (inHead && !emitted && buffer.readerIndex() > readerBefore) {
                // The decoder consumes a head line by line: what is left starts a header line.
                atHeaderLine = true;
            }
        }

        /**
         * RFC 9112 5.2: obs-fold (a header line starting with space or tab) must be rejected;
         * Netty would join it to the previous field. Scans the unread part of the current head.
         */
        private boolean startsFoldedLine(ByteBuf buffer) {
            int i = buffer.readerIndex();
            int end = buffer.writerIndex();
            if (!atHeaderLine) {
                while (i < end && (buffer.getByte(i) == '\r' || buffer.getByte(i) == '\n')) {
                    i++;
                }
                int eol = buffer.indexOf(i, end, (byte) '\n');
                if (eol < 0) {
                    return false;
                }
                i = eol + 1;
            }
            while (i < end) {
                byte first = buffer.getByte(i);
                if (first == ' ' || first == '\t') {
                    return true;
                }
                if (first == '\n' || (first == '\r' && i + 1 < end && buffer.getByte(i + 1) == '\n')) {
                    return false; // the empty line ending the head: what follows is body
                }
                int eol = buffer.indexOf(i, end, (byte) '\n');
                if (eol < 0) {
                    return false;
                }
                i = eol + 1;
            }
            return false;
        }

        private void reject(ByteBuf buffer, List<Object> out, String why) {
            rejected = true;
            buffer.skipBytes(buffer.readableBytes());
            HttpMessage invalid = createInvalidMessage();
            invalid.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(why)));
            methods.add(((HttpRequest) invalid).method());
            out.add(invalid);
        }

        boolean hasBufferedBytes() {
            return internalBuffer().isReadable();
        }

        @Override
        protected HttpMessage createMessage(String[] initialLine) {
            parsing = new DecodedRequest(HttpVersion.valueOf(initialLine[2]), HttpMethod.valueOf(initialLine[0]),
                    initialLine[1], headersFactory);
            return parsing;
        }

        @Override
        protected AsciiString splitHeaderName(byte[] sb, int start, int length) {
            AsciiString name = super.splitHeaderName(sb, start, length);
            DecodedRequest request = parsing;
            if (request != null) {
                count(request, name);
            }
            return name;
        }

        /** Counts the fields validation, forwarding and hop-by-hop stripping ask about; by length first, so most names cost one switch. */
        private static void count(DecodedRequest request, AsciiString name) {
            if (HopByHop.isHopByHop(name)) {
                request.hopByHopFields++;
                return;
            }
            switch (name.length()) {
                case 3:
                    if (HttpHeaderNames.VIA.contentEqualsIgnoreCase(name)) {
                        request.viaFields++;
                    }
                    break;
                case 4:
                    if (HttpHeaderNames.HOST.contentEqualsIgnoreCase(name)) {
                        request.hostFields++;
                    }
                    break;
                case 15:
                    if (ForwardedHeaders.X_FORWARDED_FOR.contentEqualsIgnoreCase(name)) {
                        request.forwardedForFields++;
                    }
                    break;
                case 17:
                    if (HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name)) {
                        request.transferEncodingFields++;
                    }
                    break;
                default:
                    break;
            }
        }
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
