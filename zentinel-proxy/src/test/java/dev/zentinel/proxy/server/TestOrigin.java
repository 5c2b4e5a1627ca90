package dev.zentinel.proxy.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * A real HTTP origin for integration tests (Netty, NIO, own event loop). Paths:
 * <ul>
 *   <li>{@code /echo...}: 200, body lists method, uri, then every request header as "name: value"</li>
 *   <li>{@code /id}: 200, body "name conn=N" (N numbers this origin's accepted connections)</li>
 *   <li>{@code /download?bytes=N[&chunked]}: N pattern bytes ({@link Pattern}), streamed with backpressure</li>
 *   <li>{@code /upload}: reads the body, answers "bytes=N crc=C"</li>
 *   <li>{@code /chunked}: a chunked response of three chunks "one", "two", "three"</li>
 *   <li>{@code /close-delimited}: HTTP/1.0-style body without length, then close</li>
 *   <li>{@code /slow?ms=N}: answers after N ms</li>
 *   <li>{@code /drop}: closes the connection without answering</li>
 *   <li>{@code /early}: answers 413 at once, without reading the body</li>
 *   <li>{@code /hop}: response with hop-by-hop headers (Connection: x-hop, X-Hop, Keep-Alive, Upgrade)</li>
 *   <li>{@code /continue}: 100 Continue, then reads the body and answers "bytes=N"</li>
 *   <li>{@code /close-after}: 200 without "Connection: close", then closes the connection</li>
 *   <li>{@code /stall}: sends response head and 1 byte of a 1 MiB body, then nothing</li>
 * </ul>
 */
public final class TestOrigin implements AutoCloseable {

    private final String name;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final ConcurrentLinkedQueue<Channel> children = new ConcurrentLinkedQueue<>();

    public TestOrigin(String name) throws InterruptedException {
        this.name = name;
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        int id = connections.incrementAndGet();
                        children.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new Handler(id));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Connections currently open. */
    public int openConnections() {
        return (int) children.stream().filter(Channel::isActive).count();
    }

    /** Request heads received so far. */
    public int requests() {
        return requests.get();
    }

    /** Closes every accepted connection (as an origin restarting its keep-alive would). */
    public void closeConnections() {
        children.forEach(Channel::close);
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        children.forEach(Channel::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** The deterministic body byte at a position. */
    public static final class Pattern {
        private Pattern() {
        }

        public static byte at(long i) {
            return (byte) (i * 31 + (i >>> 11));
        }

        public static void fill(byte[] buffer, long offset, int length) {
            for (int i = 0; i < length; i++) {
                buffer[i] = at(offset + i);
            }
        }
    }

    private final class Handler extends ChannelInboundHandlerAdapter {

        private final int connectionId;
        private HttpRequest request;
        private String path;
        private long bodyBytes;
        private final CRC32 crc = new CRC32();
        private boolean answered;

        Handler(int connectionId) {
            this.connectionId = connectionId;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest) {
                    request = (HttpRequest) msg;
                    requests.incrementAndGet();
                    path = new QueryStringDecoder(request.uri()).path();
                    bodyBytes = 0;
                    crc.reset();
                    answered = false;
                    onHead(ctx);
                }
                if (msg instanceof HttpContent) {
                    ByteBuf content = ((HttpContent) msg).content();
                    bodyBytes += content.readableBytes();
                    if (content.hasArray()) {
                        crc.update(content.array(), content.arrayOffset() + content.readerIndex(), content.readableBytes());
                    } else {
                        crc.update(content.nioBuffer());
                    }
                    if (msg instanceof LastHttpContent && !answered) {
                        onEnd(ctx);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void onHead(ChannelHandlerContext ctx) {
            switch (path) {
                case "/drop":
                    answered = true;
                    ctx.close();
                    break;
                case "/early":
                    answered = true;
                    FullHttpResponse r = text(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too large\n");
                    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
                    break;
                case "/continue":
                    if (HttpUtil.is100ContinueExpected(request)) {
                        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
                    }
                    break;
                default:
                    // answered when the request is complete
            }
        }

        private void onEnd(ChannelHandlerContext ctx) {
            answered = true;
            Map<String, List<String>> query = new QueryStringDecoder(request.uri()).parameters();
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            switch (path) {
                case "/id":
                    reply(ctx, text(HttpResponseStatus.OK, name + " conn=" + connectionId), keepAlive);
                    break;
                case "/upload":
                case "/continue":
                    reply(ctx, text(HttpResponseStatus.OK, "bytes=" + bodyBytes + " crc=" + crc.getValue()), keepAlive);
                    break;
                case "/download":
                    download(ctx, Long.parseLong(query.get("bytes").get(0)), query.containsKey("chunked"), keepAlive);
                    break;
                case "/chunked": {
                    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    HttpUtil.setTransferEncodingChunked(head, true);
                    ctx.write(head);
                    ctx.write(new DefaultHttpContent(ascii("one")));
                    ctx.write(new DefaultHttpContent(ascii("two")));
                    ctx.writeAndFlush(new DefaultLastHttpContent(ascii("three")));
                    break;
                }
                case "/close-delimited": {
                    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                    ctx.write(head);
                    ctx.write(new DefaultHttpContent(ascii("until ")));
                    ctx.writeAndFlush(new DefaultLastHttpContent(ascii("close"))).addListener(ChannelFutureListener.CLOSE);
                    break;
                }
                case "/slow": {
                    long ms = Long.parseLong(query.get("ms").get(0));
                    ctx.executor().schedule(() -> reply(ctx, text(HttpResponseStatus.OK, "slow " + ms), keepAlive), ms, TimeUnit.MILLISECONDS);
                    break;
                }
                case "/close-after":
                    // Claims keep-alive, then closes anyway: a pooled connection dying under the proxy.
                    ctx.writeAndFlush(text(HttpResponseStatus.OK, name)).addListener(ChannelFutureListener.CLOSE);
                    break;
                case "/hop": {
                    FullHttpResponse r = text(HttpResponseStatus.OK, "hop");
                    r.headers().set(HttpHeaderNames.CONNECTION, "x-hop");
                    r.headers().set("X-Hop", "secret");
                    r.headers().set(HttpHeaderNames.KEEP_ALIVE, "timeout=5");
                    r.headers().set("X-End-To-End", "kept");
                    reply(ctx, r, keepAlive);
                    break;
                }
                case "/stall": {
                    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    HttpUtil.setContentLength(head, 1 << 20);
                    ctx.write(head);
                    ctx.writeAndFlush(new DefaultHttpContent(ascii("x")));
                    break;
                }
                default:
                    reply(ctx, text(HttpResponseStatus.OK, echo()), keepAlive);
            }
        }

        private String echo() {
            StringBuilder b = new StringBuilder();
            b.append("method: ").append(request.method()).append('\n');
            b.append("uri: ").append(request.uri()).append('\n');
            b.append("version: ").append(request.protocolVersion()).append('\n');
            b.append("body-bytes: ").append(bodyBytes).append('\n');
            request.headers().forEach(e -> b.append(e.getKey().toLowerCase()).append(": ").append(e.getValue()).append('\n'));
            return b.toString();
        }

        private void download(ChannelHandlerContext ctx, long total, boolean chunked, boolean keepAlive) {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            if (chunked) {
                HttpUtil.setTransferEncodingChunked(head, true);
            } else {
                HttpUtil.setContentLength(head, total);
            }
            ctx.write(head);
            new Streamer(ctx, total).pump();
        }

        private void reply(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
            if (!keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(response);
            }
        }
    }

    /** Writes pattern bytes while the channel is writable; resumes on writability. */
    private static final class Streamer extends ChannelInboundHandlerAdapter {
        private static final int PIECE = 64 * 1024;
        private final ChannelHandlerContext ctx;
        private final long total;
        private long sent;
        private boolean done;
        private final byte[] buffer = new byte[PIECE];

        Streamer(ChannelHandlerContext ctx, long total) {
            this.ctx = ctx;
            this.total = total;
            // Listen before writing, so no writability change can be missed.
            ctx.pipeline().addLast(this);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext c) {
            if (c.channel().isWritable()) {
                pump();
            }
            c.fireChannelWritabilityChanged();
        }

        void pump() {
            if (done) {
                return;
            }
            while (sent < total && ctx.channel().isWritable()) {
                int n = (int) Math.min(PIECE, total - sent);
                Pattern.fill(buffer, sent, n);
                sent += n;
                ByteBuf piece = Unpooled.copiedBuffer(buffer, 0, n);
                ctx.write(sent == total ? new DefaultLastHttpContent(piece) : new DefaultHttpContent(piece));
            }
            if (sent == total) {
                if (total == 0) {
                    ctx.write(LastHttpContent.EMPTY_LAST_CONTENT);
                }
                done = true;
                ctx.pipeline().remove(this);
            }
            ctx.flush();
        }
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, ascii(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
        HttpUtil.setContentLength(r, r.content().readableBytes());
        return r;
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }
}
