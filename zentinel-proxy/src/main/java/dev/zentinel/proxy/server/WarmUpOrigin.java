package dev.zentinel.proxy.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;

/**
 * The warm-up's in-process origin, one handler per connection: answers every request with the
 * same keep-alive response, encoded once (head only for a HEAD), with the fields real origins
 * send in their usual spelling. It finds a request's end from its head (Content-Length, else no
 * body) and parses nothing else: the point of the warm-up is to compile the proxy's code, not an
 * origin's. Responses are written from the channel's own allocator, as the proxy writes its own,
 * so that the Netty write path shared with the proxy sees the buffer type real traffic has.
 */
final class WarmUpOrigin extends ChannelInboundHandlerAdapter {

    /** The responses, encoded once per warm-up and shared by its origin connections (immutable). */
    static final class Responses {

        private static final byte[] BODY = "warm-up response body\n".repeat(8).getBytes(StandardCharsets.US_ASCII);

        private final byte[] full;
        private final byte[] headOnly;

        Responses() {
            String head = "HTTP/1.1 200 OK\r\n"
                    + "content-length: " + BODY.length + "\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\n"
                    + "Date: Fri, 27 Nov 2026 01:00:00 GMT\r\n"
                    + "Cache-Control: no-cache, max-age=0\r\n"
                    + "Server: warmup-origin/1.0\r\n"
                    + "X-Content-Type-Options: nosniff\r\n"
                    + "ETag: \"5f2b-1a\"\r\n"
                    + "\r\n";
            headOnly = head.getBytes(StandardCharsets.US_ASCII);
            full = new byte[headOnly.length + BODY.length];
            System.arraycopy(headOnly, 0, full, 0, headOnly.length);
            System.arraycopy(BODY, 0, full, headOnly.length, BODY.length);
        }

        byte[] to(boolean headRequest) {
            return headRequest ? headOnly : full;
        }
    }

    private final Responses responses;
    private final RawMessageReader requests = new RawMessageReader(RawMessageReader.DEFAULT_MAX_HEAD_BYTES,
            WarmUpOrigin::requestBody);
    private boolean unflushed;

    WarmUpOrigin(Responses responses) {
        this.responses = responses;
    }

    /** A request's body: its Content-Length, or none; the proxy sends the warm-up's bodies with a length. */
    static long requestBody(RawMessageReader.Head head) {
        if (head.transferEncoding()) {
            throw new IllegalStateException("warm-up origin: a request with Transfer-Encoding was not expected");
        }
        return Math.max(0, head.contentLength());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            requests.read(in, head -> answer(ctx, head));
        } finally {
            in.release();
        }
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
    }

    private void answer(ChannelHandlerContext ctx, RawMessageReader.Head request) {
        byte[] response = responses.to(request.isHeadRequest());
        ctx.write(ctx.alloc().directBuffer(response.length).writeBytes(response), ctx.voidPromise());
        unflushed = true;
    }

    /** The warm-up closes everything at once when it ends, so a reset here is expected, not news. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
