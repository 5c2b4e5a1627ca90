package dev.zentinel.proxy.http;

import dev.zentinel.proxy.accesslog.AccessRecord;
import dev.zentinel.proxy.config.RouteConfig;
import dev.zentinel.proxy.metrics.ProxyMetrics;
import dev.zentinel.proxy.routing.HeaderLookup;
import dev.zentinel.proxy.upstream.DeadlineTimer;
import dev.zentinel.proxy.upstream.ResponseFields;
import dev.zentinel.proxy.upstream.UpstreamConnection;
import dev.zentinel.proxy.upstream.UpstreamExchange;
import dev.zentinel.proxy.upstream.UpstreamFailure;
import dev.zentinel.proxy.upstream.UpstreamGroup;
import dev.zentinel.proxy.upstream.UpstreamPools;
import dev.zentinel.proxy.upstream.UpstreamResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One client connection: reads requests in order, routes each, answers it locally or streams it
 * to an upstream and the response back, then moves on to the next (pipelined) request.
 *
 * <p>Flow control: the client channel runs with auto-read off and this handler asks for input
 * only when it can use it: between requests, while a request body can be written to a writable
 * upstream, and for a bounded read-ahead of pipelined requests. Response bytes are read from the
 * upstream only while the client channel is writable. Memory per connection is therefore bounded
 * by the channels' write-buffer water marks plus one read, whatever the body sizes.
 *
 * <p>Everything runs on the connection's event loop, upstream callbacks included; no locks.
 */
public final class ClientConnection extends ChannelInboundHandlerAdapter
        implements UpstreamExchange, HeaderLookup, ServerHttpCodec.InboundListener {

    /** After a final response, how long we keep reading (and discarding) before closing for good. */
    static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);

    private enum Phase { IDLE, EXCHANGE, CLOSING }

    private final ProxyContext px;
    private final String listener;
    private final long headerTimeoutNanos;
    private final long idleTimeoutNanos;
    private final long maxBodyBytes;
    private final PipelinedRequests pipelined;
    private final UpstreamLeg leg = new UpstreamLeg();
    private final ChannelFutureListener onConnect = this::onConnectComplete;
    private final DeadlineTimer timer = new DeadlineTimer(this::onTimer);

    private ServerHttpCodec codec;
    private ChannelHandlerContext ctx;
    private ResponseRelay relay;
    private UpstreamPools pools;
    private String clientIp = "-";

    private Phase phase = Phase.IDLE;
    private boolean draining;
    private long drainQuietNanos;
    private long lastActivityNanos;
    private long headStartNanos;
    private long clientBlockedSinceNanos;
    private long lingerDeadlineNanos;
    private boolean flushClient;
    private boolean flushUpstream;

    /** The request being started is the last one a refusing pipeline accepted. */
    private boolean lastAccepted;

    // The current exchange.
    private RequestHead request;
    private HttpMethod method;
    private String host;
    private String routeName;
    private ProxyMetrics.RouteRecorder routeMetrics;
    private String upstreamName;
    private boolean http10;
    private boolean headRequest;
    private boolean hasBody;
    private boolean requestComplete;
    private boolean responseStarted;
    private boolean responseComplete;
    private boolean discardBody;
    private boolean closeAfterResponse;
    /** The client itself asked for the connection to end after this request (RFC 9112 9.6). */
    private boolean clientClosing;
    private long startNanos;
    private long bytesIn;
    private long bytesOut;
    private int status;

    ClientConnection(ProxyContext px, String listener) {
        this.px = px;
        this.listener = listener;
        this.headerTimeoutNanos = px.limits().clientHeaderTimeout().toNanos();
        this.idleTimeoutNanos = px.limits().clientIdleTimeout().toNanos();
        this.maxBodyBytes = px.limits().maxBodyBytes();
        this.pipelined = new PipelinedRequests(px.limits().maxPipelinedRequests());
    }

    void useCodec(ServerHttpCodec codec) {
        this.codec = codec;
    }

    public Channel channel() {
        return ctx.channel();
    }

    // ---------------------------------------------------------------- drain

    /**
     * Starts draining this connection; call on its event loop. From now on every response carries
     * "Connection: close" and the connection closes after it. A connection with no request in
     * progress is closed once it has received nothing for {@code quietNanos}; a request that
     * arrives before that is served (with "Connection: close") rather than cut off.
     */
    public void beginDrain(long quietNanos) {
        if (draining || ctx == null) {
            return;
        }
        draining = true;
        drainQuietNanos = quietNanos;
        if (lastActivityNanos == 0) {
            lastActivityNanos = System.nanoTime();
        }
        // Requests already read (pipelined) are still answered, the last of them with
        // "Connection: close"; nothing further is accepted.
        pipelined.refuseFurther();
        if (phase == Phase.EXCHANGE && !responseStarted && pipelined.requests() == 0) {
            closeAfterResponse = true;
        } else if (phase == Phase.IDLE) {
            armTimer(lastActivityNanos + drainQuietNanos);
        }
    }

    // ---------------------------------------------------------------- channel events

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.relay = new ResponseRelay(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        pools = px.upstreams().poolsFor(ctx.channel().eventLoop());
        clientIp = ipOf(ctx.channel().remoteAddress());
        lastActivityNanos = System.nanoTime();
        armTimer(lastActivityNanos + idleTimeoutNanos);
        ctx.read();
    }

    @Override
    public void onInboundBytes() {
        long now = System.nanoTime();
        lastActivityNanos = now;
        if (phase == Phase.IDLE && !codec.hasBufferedBytes()) {
            headStartNanos = now;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.EXCHANGE && requestComplete) {
            pipelined.add(msg);
        } else {
            dispatch(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushPending();
        if (phase == Phase.IDLE && codec.hasBufferedBytes()) {
            // A request head is arriving in pieces: it must complete within client-header-timeout.
            armTimer(headStartNanos + headerTimeoutNanos);
        }
        readClientIfWanted();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            clientBlockedSinceNanos = 0;
            leg.resumeReading();
        } else if (clientBlockedSinceNanos == 0) {
            clientBlockedSinceNanos = System.nanoTime();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        timer.cancel();
        relay.releaseHeldHead();
        if (phase == Phase.EXCHANGE) {
            leg.abort();
            if (!responseStarted) {
                status = 499; // client closed before a response (nginx's convention)
            }
            record();
        }
        phase = Phase.CLOSING;
        releaseQueue();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets, broken pipes and write failures: the connection is unusable, channelInactive cleans up.
        ctx.close();
    }

    // ---------------------------------------------------------------- inbound dispatch

    private void dispatch(Object msg) {
        switch (phase) {
            case IDLE:
                if (msg instanceof RequestHead) {
                    startExchange((RequestHead) msg);
                } else {
                    ReferenceCountUtil.release(msg);
                }
                break;
            case EXCHANGE:
                if (msg instanceof HttpContent) {
                    onRequestContent((HttpContent) msg);
                } else {
                    ReferenceCountUtil.release(msg);
                }
                break;
            default:
                ReferenceCountUtil.release(msg);
        }
    }

    /** Feeds queued (pipelined) messages to the exchange machinery while it can take them. */
    private void processQueue() {
        while (!pipelined.isEmpty() && (phase == Phase.IDLE || (phase == Phase.EXCHANGE && !requestComplete))) {
            Object msg = pipelined.poll();
            if (msg instanceof RequestHead) {
                lastAccepted = pipelined.refusing() && pipelined.requests() == 0;
            }
            dispatch(msg);
        }
    }

    // ---------------------------------------------------------------- request

    private void startExchange(RequestHead req) {
        phase = Phase.EXCHANGE;
        request = req;
        // Set by the read that completed this request (or by the end of the previous exchange for
        // a pipelined one): one clock read less per request.
        startNanos = lastActivityNanos;
        method = req.method();
        http10 = req.minorVersion() == 0;
        headRequest = method == HttpMethod.HEAD;
        host = null;
        routeName = ProxyContext.NO_ROUTE;
        routeMetrics = px.noRouteMetrics();
        upstreamName = null;
        // A head without a body is the whole request; a refused one is answered and the connection closed.
        requestComplete = !req.hasBody() || req.rejection() != 0;
        responseStarted = false;
        responseComplete = false;
        discardBody = false;
        bytesIn = 0;
        bytesOut = 0;
        status = 0;
        closeAfterResponse = lastAccepted || (draining && pipelined.requests() == 0);
        clientClosing = false;
        lastAccepted = false;

        int error = RequestValidator.validate(req);
        if (error != RequestValidator.OK) {
            respondLocal(px.errors().get(error), true);
            return;
        }
        if (!req.keepAlive()) {
            closeAfterResponse = true;
            clientClosing = true;
        }
        long contentLength = req.contentLength;
        hasBody = req.hasBody();
        if (contentLength > maxBodyBytes) {
            // Known up front: refuse before any upstream is involved; the body is never read.
            respondLocal(px.errors().get(413), true);
            return;
        }
        if (req.targetFirstByte() != '/' && RequestHead.isAbsoluteForm(req.target())) {
            req.toOriginForm();
        }
        host = req.host();
        String path = req.path();

        RouteConfig route = px.router().match(method.name(), host, path, this).orElse(null);
        if (route == null) {
            respondLocal(px.errors().get(404), expectsContinue(req));
            return;
        }
        routeName = route.name();
        RouteAction action = px.action(routeName);
        routeMetrics = action.metrics();
        if (action instanceof RouteAction.Respond) {
            // Answering at once; a client waiting for 100-continue may or may not send its body
            // now, so the framing of what follows is unknown and the connection must close.
            respondLocal(((RouteAction.Respond) action).response(), expectsContinue(req));
        } else {
            forward(((RouteAction.Forward) action).group(), req.chunked());
        }
    }

    /** The client waits for 100 Continue before sending its body (RFC 9110 10.1.1; HTTP/1.1 only). */
    private boolean expectsContinue(RequestHead req) {
        return hasBody && !requestComplete && req.minorVersion() >= 1 && req.fields().first(RequestFields.EXPECT) >= 0;
    }

    @Override
    public String get(String name) {
        return request.fields().firstValue(name);
    }

    private void onRequestContent(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            int error = RequestValidator.statusFor(content.decoderResult().cause());
            content.release();
            failRequest(error);
            return;
        }
        bytesIn += content.content().readableBytes();
        if (bytesIn > maxBodyBytes) {
            content.release();
            failRequest(413);
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (last) {
            requestComplete = true;
        }
        if (discardBody) {
            content.release();
            if (last && responseComplete) {
                finishExchange();
            }
        } else if (leg.send(content, ctx.alloc(), lastActivityNanos)) {
            flushUpstream = true;
        }
    }

    /** The request turned out bad mid-body (413, bad chunk): answer if still possible, then close. */
    private void failRequest(int error) {
        leg.abort();
        if (responseComplete) {
            // Already answered (body was being discarded): just do not read the rest.
            closeAfterResponse = true;
            finishExchange();
            flushPending();
        } else if (!responseStarted) {
            respondLocal(px.errors().get(error), true);
            flushPending();
        } else {
            abortConnection();
        }
    }

    // ---------------------------------------------------------------- local responses

    private void respondLocal(FixedResponse response, boolean close) {
        if (close) {
            closeAfterResponse = true;
        }
        ConnectionMode mode = closeAfterResponse ? ConnectionMode.CLOSE
                : http10 ? ConnectionMode.KEEP_ALIVE_HTTP10 : ConnectionMode.KEEP_ALIVE;
        status = response.status();
        responseStarted = true;
        responseComplete = true;
        bytesOut = headRequest ? 0 : response.bodyLength();
        ctx.write(response.newResponse(mode), ctx.voidPromise());
        flushClient = true;
        if (requestComplete || closeAfterResponse) {
            finishExchange();
        } else {
            discardBody = true;
        }
    }

    // ---------------------------------------------------------------- upstream

    private void forward(UpstreamGroup group, boolean chunkedBody) {
        upstreamName = group.name();
        leg.begin(group, chunkedBody);
        acquireUpstream();
    }

    private void acquireUpstream() {
        UpstreamConnection pooled = leg.acquire(pools, onConnect);
        if (pooled != null) {
            bindUpstream(pooled);
        }
    }

    private void onConnectComplete(ChannelFuture future) {
        if (!leg.awaited(future)) {
            // The exchange this connect was for is gone; the connection is of no use.
            if (future.isSuccess()) {
                future.channel().close();
            }
            return;
        }
        if (future.isSuccess()) {
            lastActivityNanos = System.nanoTime();
            bindUpstream(UpstreamConnection.of(future.channel()));
            flushPending();
            return;
        }
        UpstreamFailure failure = UpstreamFailure.ofConnect(future.cause());
        px.metrics().upstreamError(upstreamName, failure.metricKind());
        if (leg.connectFailed()) {
            acquireUpstream();
        } else {
            failBeforeResponse(failure);
        }
        flushPending();
    }

    private void bindUpstream(UpstreamConnection connection) {
        leg.bind(connection, this, headRequest, RequestHeadWriter.write(ctx.alloc(), request, clientIp, host),
                ctx.alloc());
        if (requestComplete) {
            leg.requestSent(lastActivityNanos);
        }
        // Flushed by whoever drives this call (end of the client read batch, or the connect callback),
        // so a request head and its body usually leave in one write.
        flushUpstream = true;
        readClientIfWanted();
    }

    @Override
    public void onInterimResponse(UpstreamResponseHead head) {
        if (http10 || responseStarted || phase != Phase.EXCHANGE) {
            return; // HTTP/1.0 clients must not receive 1xx (RFC 9110 15.2)
        }
        relay.interim(head);
    }

    @Override
    public void onResponseHead(UpstreamResponseHead head) {
        if (phase != Phase.EXCHANGE || responseStarted) {
            return;
        }
        responseStarted = true;
        status = head.status();
        // A request body the origin answered before it was done has nowhere to go: close after.
        closeAfterResponse = relay.begin(head, http10, closeAfterResponse || !requestComplete);
        codec.forwardedResponseStarted();
        flushClient = true;
    }

    @Override
    public void onResponseBody(ByteBuf piece) {
        if (phase != Phase.EXCHANGE || !responseStarted) {
            piece.release();
            return;
        }
        bytesOut += piece.readableBytes();
        if (relay.body(piece)) {
            flushClient = true;
            pauseUpstreamIfClientBlocked();
        }
    }

    @Override
    public void onResponseEnd(ResponseFields trailers) {
        if (phase != Phase.EXCHANGE || !responseStarted) {
            return;
        }
        if (relay.end(trailers)) {
            flushClient = true;
        }
        completeResponse();
    }

    private void pauseUpstreamIfClientBlocked() {
        if (!ctx.channel().isWritable() && leg.pauseReading()) {
            flushPending();
        }
    }

    private void completeResponse() {
        responseComplete = true;
        if (!requestComplete) {
            closeAfterResponse = true;
        }
        long now = System.nanoTime();
        leg.complete(requestComplete, now);
        finishExchange(now);
        flushPending();
    }

    @Override
    public void onUpstreamFailure(UpstreamFailure failure) {
        UpstreamConnection failed = leg.dropFailed();
        if (phase != Phase.EXCHANGE) {
            return;
        }
        if (!responseStarted && failure == UpstreamFailure.RESET && requestComplete && !hasBody
                && isIdempotent(method) && leg.replayAfter(failed)) {
            // A pooled connection the origin had just closed: replay once on a fresh connection.
            acquireUpstream();
            flushPending();
            return;
        }
        px.metrics().upstreamError(upstreamName, failure.metricKind());
        if (!responseStarted) {
            failBeforeResponse(failure);
            flushPending();
        } else {
            // Part of the response is already out: cutting the connection is the only honest signal.
            abortConnection();
        }
    }

    @Override
    public void onUpstreamReadComplete() {
        flushPending();
    }

    @Override
    public void onUpstreamWritable() {
        lastActivityNanos = System.nanoTime();
        readClientIfWanted();
    }

    private void failBeforeResponse(UpstreamFailure failure) {
        leg.releaseEarlyBody();
        // With the request body only partly consumed, the connection cannot carry another request.
        respondLocal(px.errors().get(failure.status()), !requestComplete);
    }

    private static boolean isIdempotent(HttpMethod m) {
        return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS
                || m == HttpMethod.PUT || m == HttpMethod.DELETE || m == HttpMethod.TRACE;
    }

    // ---------------------------------------------------------------- exchange end

    private void finishExchange() {
        finishExchange(System.nanoTime());
    }

    private void finishExchange(long nowNanos) {
        record(nowNanos);
        lastActivityNanos = nowNanos;
        boolean close = closeAfterResponse;
        request = null;
        leg.end();
        phase = Phase.IDLE;
        if (close) {
            startClosing();
            return;
        }
        processQueue();
        if (phase == Phase.IDLE && draining) {
            armTimer(lastActivityNanos + drainQuietNanos);
        }
        readClientIfWanted();
    }

    private void record() {
        record(System.nanoTime());
    }

    private void record(long nowNanos) {
        long durationNanos = nowNanos - startNanos;
        routeMetrics.requestCompleted(status, durationNanos);
        if (px.accessLogEnabled()) {
            long startMillis = System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(durationNanos);
            px.accessLog().log(new AccessRecord(startMillis, clientIp, method == null ? "-" : method.name(),
                    request == null ? "-" : request.target(), host, status,
                    bytesIn, bytesOut, durationNanos / 1000, routeName, upstreamName, listener));
        }
    }

    /** Abandons the exchange and the connection (response already partly sent, or unrecoverable). */
    private void abortConnection() {
        relay.releaseHeldHead();
        leg.abort();
        if (phase == Phase.EXCHANGE) {
            record();
        }
        phase = Phase.CLOSING;
        releaseQueue();
        ctx.close();
    }

    /**
     * Closes after the final response, lingering (see {@link HalfClose}) for at most
     * {@link #LINGER_NANOS}.
     *
     * <p>Except when the client itself asked to close, its request was read to the end and nothing
     * else arrived: such a client must not send anything more (RFC 9112 9.6), so there is nothing a
     * lingering read could protect, and the connection is closed as soon as the response is
     * flushed (as nginx and HAProxy do). That saves the half-close, one more wake-up and read for
     * the client's FIN, and a linger timer per connection, which is most of the close-mode cost.
     */
    private void startClosing() {
        boolean nothingMoreToRead = clientClosing && requestComplete && !pipelined.refusing() && pipelined.isEmpty()
                && !codec.hasBufferedBytes();
        phase = Phase.CLOSING;
        releaseQueue();
        flushClient = false;
        if (nothingMoreToRead) {
            HalfClose.flushAndClose(ctx);
            return;
        }
        lingerDeadlineNanos = System.nanoTime() + LINGER_NANOS;
        HalfClose.flushAndShutdownOutput(ctx, this::startLingering);
    }

    /** After our FIN: keep reading (and discarding) until the client closes or the linger deadline. */
    private void startLingering() {
        armTimer(lingerDeadlineNanos);
        ctx.read();
    }

    private void releaseQueue() {
        pipelined.clear();
        leg.releaseEarlyBody();
    }

    // ---------------------------------------------------------------- read demand, flushing

    private void readClientIfWanted() {
        switch (phase) {
            case IDLE:
                ctx.read();
                break;
            case EXCHANGE:
                if (!requestComplete) {
                    if (discardBody || leg.writable()) {
                        ctx.read();
                    }
                } else if (pipelined.hasRoom()) {
                    ctx.read();
                }
                break;
            default:
                if (lingerDeadlineNanos != 0) {
                    ctx.read();
                }
        }
    }

    private void flushPending() {
        if (flushUpstream) {
            flushUpstream = false;
            leg.flush();
        }
        if (flushClient) {
            flushClient = false;
            relay.writeHeldHead();
            ctx.flush();
        }
    }

    // ---------------------------------------------------------------- timers

    private void armTimer(long dueNanos) {
        timer.armBy(ctx.executor(), dueNanos);
    }

    private void onTimer() {
        timer.fired();
        if (!ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        switch (phase) {
            case IDLE:
                onIdleTimer(now);
                break;
            case EXCHANGE:
                onExchangeTimer(now);
                break;
            default:
                if (now - lingerDeadlineNanos >= 0) {
                    ctx.close();
                } else {
                    armTimer(lingerDeadlineNanos);
                }
        }
    }

    private void onIdleTimer(long now) {
        if (codec.hasBufferedBytes()) {
            long due = headStartNanos + headerTimeoutNanos;
            if (now - due >= 0) {
                timeOutRequestHead();
            } else {
                armTimer(due);
            }
            return;
        }
        long idleDue = lastActivityNanos + idleTimeoutNanos;
        long due = draining ? Math.min(idleDue, lastActivityNanos + drainQuietNanos) : idleDue;
        if (now - due >= 0) {
            phase = Phase.CLOSING;
            ctx.close();
        } else {
            armTimer(due);
        }
    }

    /** The request head did not complete within client-header-timeout: 408 and close. */
    private void timeOutRequestHead() {
        phase = Phase.EXCHANGE;
        request = null;
        startNanos = System.nanoTime();
        method = null;
        host = null;
        routeName = ProxyContext.NO_ROUTE;
        routeMetrics = px.noRouteMetrics();
        upstreamName = null;
        headRequest = false;
        http10 = false;
        requestComplete = true;
        clientClosing = false;
        bytesIn = 0;
        respondLocal(px.errors().get(408), true);
    }

    private void onExchangeTimer(long now) {
        boolean readingBody = !requestComplete && (discardBody || leg.writable());
        if (readingBody) {
            long due = lastActivityNanos + idleTimeoutNanos;
            if (now - due >= 0) {
                // The client stopped sending its body.
                failRequest(408);
            } else {
                armTimer(due);
            }
            return;
        }
        if (clientBlockedSinceNanos != 0) {
            long due = clientBlockedSinceNanos + idleTimeoutNanos;
            if (now - due >= 0) {
                // The client stopped reading its response.
                abortConnection();
            } else {
                armTimer(due);
            }
            return;
        }
        armTimer(now + idleTimeoutNanos);
    }

    private static String ipOf(SocketAddress address) {
        if (address instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) address;
            return inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
        }
        return String.valueOf(address);
    }
}
