package dev.zentinel.proxy.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;

/**
 * Ends a client connection after its final response without destroying that response. Closing
 * outright with unread request bytes in the socket makes the kernel reset the connection, and the
 * reset can discard the response before the client read it; so the response is flushed, our side
 * sends its FIN, and the caller keeps reading (and discarding) until the client closes or a linger
 * deadline passes.
 */
final class HalfClose {

    private HalfClose() {
    }

    /** Flushes what is written, then closes: for a client that will send nothing more. */
    static void flushAndClose(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Flushes what is written, then shuts the output down; {@code thenLinger} runs once the FIN is
     * sent. Any failure on the way closes the channel instead.
     */
    static void flushAndShutdownOutput(ChannelHandlerContext ctx, Runnable thenLinger) {
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
            Channel ch = ctx.channel();
            if (!written.isSuccess() || !(ch instanceof DuplexChannel) || !ch.isActive()) {
                ch.close();
                return;
            }
            if (ch instanceof UnixChannel && ((UnixChannel) ch).fd() instanceof Socket) {
                // Native transports: send the FIN on the socket directly. Netty's shutdownOutput()
                // builds a ChannelOutputShutdownException with a full stack trace on every call
                // (to fail writes still queued, of which there are none: the flush above completed),
                // and that stack walk was the largest user-space cost per connection in
                // connection-close mode. The socket records the half-close, so isOutputShutdown()
                // and later writes behave as before (a write fails and closes the channel).
                try {
                    ((Socket) ((UnixChannel) ch).fd()).shutdown(false, true);
                } catch (IOException | RuntimeException e) {
                    // Also NotYetConnectedException (ENOTCONN): the client reset the connection meanwhile.
                    ch.close();
                    return;
                }
                thenLinger.run();
                return;
            }
            ((DuplexChannel) ch).shutdownOutput().addListener(shut -> {
                if (!shut.isSuccess()) {
                    ch.close();
                    return;
                }
                thenLinger.run();
            });
        });
    }
}
