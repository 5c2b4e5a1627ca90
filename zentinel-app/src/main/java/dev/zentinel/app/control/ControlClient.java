package dev.zentinel.app.control;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends one request to a control socket and waits, bounded, for the one-line response. Owns a
 * single-thread event loop; close it when done.
 */
public final class ControlClient implements AutoCloseable {

    private final DomainSockets sockets;
    private final ControlProtocol protocol;
    private final EventLoopGroup group;
    private final int maxLineBytes;

    public ControlClient(DomainSockets sockets, ControlProtocol protocol) {
        this(sockets, protocol, ControlProtocol.DEFAULT_MAX_LINE_BYTES);
    }

    public ControlClient(DomainSockets sockets, ControlProtocol protocol, int maxLineBytes) {
        this.sockets = sockets;
        this.protocol = protocol;
        this.maxLineBytes = maxLineBytes;
        this.group = sockets.newGroup(1, "zentinel-control-client");
    }

    /**
     * Sends {@code request} and returns the response, waiting at most {@code timeout} in all.
     *
     * @throws NoRunningInstanceException if there is no socket file or nobody listens on it
     * @throws ControlClientException if the exchange failed or timed out
     */
    public ControlResponse send(Path socket, ControlRequest request, Duration timeout)
            throws NoRunningInstanceException, ControlClientException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoRunningInstanceException(socket, false, null);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<String> reply = new CompletableFuture<>();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(sockets.channelClass())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline()
                                .addLast(new LineBasedFrameDecoder(maxLineBytes, true, true))
                                .addLast(new ReplyHandler(reply));
                    }
                });
        ChannelFuture connect = bootstrap.connect(new DomainSocketAddress(socket.toFile()));
        connect.awaitUninterruptibly(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!connect.isDone()) {
            connect.channel().close();
            throw new ControlClientException("connecting to " + socket + " timed out after " + timeout.toMillis()
                    + " ms");
        }
        if (!connect.isSuccess()) {
            Throwable cause = connect.cause();
            if (cause instanceof ConnectException) {
                throw new NoRunningInstanceException(socket, true, "stale socket: " + cause.getMessage());
            }
            throw new ControlClientException("cannot connect to " + socket + ": " + cause.getMessage(), cause);
        }
        Channel channel = connect.channel();
        try {
            channel.writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), protocol.encodeRequest(request) + "\n"));
            long remaining = Math.max(0, deadline - System.nanoTime());
            String line = reply.get(remaining, TimeUnit.NANOSECONDS);
            return protocol.parseResponse(line);
        } catch (TimeoutException e) {
            throw new ControlClientException("no answer from " + socket + " within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new ControlClientException("control exchange with " + socket + " failed: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (ControlProtocolException e) {
            throw new ControlClientException("malformed answer from " + socket + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlClientException("interrupted waiting for " + socket);
        } finally {
            channel.close();
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Completes the reply future with the first line, or fails it if the connection ends first. */
    private static final class ReplyHandler extends ChannelInboundHandlerAdapter {

        private final CompletableFuture<String> reply;

        ReplyHandler(CompletableFuture<String> reply) {
            this.reply = reply;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof ByteBuf frame) {
                    reply.complete(frame.toString(StandardCharsets.UTF_8));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            reply.completeExceptionally(new ControlClientException("connection closed without an answer"));
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            reply.completeExceptionally(cause);
            ctx.close();
        }
    }
}
