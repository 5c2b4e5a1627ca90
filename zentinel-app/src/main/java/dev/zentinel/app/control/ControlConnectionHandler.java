package dev.zentinel.app.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.unix.PeerCredentials;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One control connection: check the peer, read one request line, run the command, write one
 * response line, close. Anything unexpected ends only this connection.
 */
final class ControlConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ControlConnectionHandler.class);
    /**
     * How long a client refused for the connection limit has to send its request line before it
     * is answered anyway. Answered at once, the refusal raced the client's own write: a request
     * written after our close fails with a broken pipe, and the client then closes without
     * reading the answer that was waiting for it.
     */
    private static final long REFUSAL_WAIT_MILLIS = 1000;

    private final Map<String, ControlCommand> commands;
    private final ControlServerSettings settings;
    private final long allowedUid;
    private final DomainSockets sockets;
    private final ControlProtocol protocol;
    private final AtomicInteger openConnections;
    private boolean counted;
    private ControlPeer peer;
    private boolean requestReceived;
    private ScheduledFuture<?> requestTimeout;
    /** Present when this connection is over the limit: the answer to whatever it asks. */
    private ControlResponse refusal;

    ControlConnectionHandler(Map<String, ControlCommand> commands, ControlServerSettings settings, long allowedUid,
            DomainSockets sockets, ControlProtocol protocol, AtomicInteger openConnections) {
        this.commands = commands;
        this.settings = settings;
        this.allowedUid = allowedUid;
        this.sockets = sockets;
        this.protocol = protocol;
        this.openConnections = openConnections;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        PeerCredentials credentials;
        try {
            credentials = sockets.peerCredentials(ctx.channel());
        } catch (IOException e) {
            log.warn("control connection rejected: cannot read peer credentials: {}", e.getMessage());
            ctx.close();
            return;
        }
        if (credentials.uid() != allowedUid) {
            log.warn("control connection rejected: peer uid {} (pid {}) is not uid {}", credentials.uid(), credentials.pid(),
                    allowedUid);
            ctx.close();
            return;
        }
        counted = true;
        peer = new ControlPeer(credentials.pid(), credentials.uid());
        if (openConnections.incrementAndGet() > settings.maxConnections()) {
            log.warn("control connection from pid {} rejected: more than {} control connections open", credentials.pid(),
                    settings.maxConnections());
            refusal = ControlResponse.failure("too many control connections");
            requestTimeout = ctx.executor().schedule(() -> respondAndClose(ctx, refusal),
                    Math.min(REFUSAL_WAIT_MILLIS, settings.requestTimeout().toMillis()), TimeUnit.MILLISECONDS);
            return;
        }
        requestTimeout = ctx.executor().schedule(
                () -> respondAndClose(ctx, ControlResponse.failure("no request line within "
                        + settings.requestTimeout().toMillis() + " ms")),
                settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelRequestTimeout();
        if (counted) {
            openConnections.decrementAndGet();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (requestReceived || !(msg instanceof ByteBuf frame)) {
                return;
            }
            requestReceived = true;
            cancelRequestTimeout();
            // One request per connection: whatever follows the first line is not read.
            ctx.channel().config().setAutoRead(false);
            if (refusal != null) {
                respondAndClose(ctx, refusal);
                return;
            }
            handle(ctx, frame.toString(StandardCharsets.UTF_8));
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void handle(ChannelHandlerContext ctx, String line) {
        ControlRequest request;
        try {
            request = protocol.parseRequest(line);
        } catch (ControlProtocolException e) {
            log.debug("malformed control request: {}", e.getMessage());
            respondAndClose(ctx, ControlResponse.failure(e.getMessage()));
            return;
        }
        ControlCommand command = commands.get(request.command());
        if (command == null) {
            respondAndClose(ctx, ControlResponse.failure("unknown command \"" + request.command() + "\" (known: "
                    + String.join(", ", new TreeSet<>(commands.keySet())) + ")"));
            return;
        }
        log.debug("control request {}", request.command());
        CompletableFuture<JsonNode> result;
        try {
            result = command.execute(request, peer);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((value, failure) -> respondAndClose(ctx, failure == null
                ? ControlResponse.success(value)
                : failureResponse(request.command(), failure)));
    }

    private static ControlResponse failureResponse(String command, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof ControlCommandException) {
            return ControlResponse.failure(cause.getMessage());
        }
        log.error("control command {} failed", command, cause);
        return ControlResponse.failure("internal error running " + command + ": " + cause);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException && !requestReceived) {
            requestReceived = true;
            cancelRequestTimeout();
            respondAndClose(ctx, ControlResponse.failure("request line longer than " + settings.maxLineBytes()
                    + " bytes"));
            return;
        }
        log.debug("control connection failed: {}", cause.toString());
        ctx.close();
    }

    private void respondAndClose(ChannelHandlerContext ctx, ControlResponse response) {
        if (!ctx.channel().isActive()) {
            return;
        }
        String line = protocol.encodeResponse(response) + "\n";
        ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(), line))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void cancelRequestTimeout() {
        if (requestTimeout != null) {
            requestTimeout.cancel(false);
            requestTimeout = null;
        }
    }
}
