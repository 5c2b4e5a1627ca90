/*
 * Zentinel bench origin: a deliberately minimal HTTP/1.1 server on Netty that answers every
 * request with one small fixed body, so the proxy in front of it is what the bench measures.
 *
 * Run from a distribution:  java -cp "<dist>/lib/*" Origin.java [--port 0] [--body-bytes 13]
 * It prints "ORIGIN listening=HOST:PORT transport=..." once bound (with --port 0 the kernel
 * picks the port, so the bench never races another process for one).
 *
 * Scope (why it is not a general server): it reads request heads up to 16 KiB, skips bodies
 * with a Content-Length up to 1 MiB, answers chunked request bodies with 501 and closes, and
 * honours keep-alive / Connection: close for HTTP/1.0 and 1.1. That covers every request the
 * bench's proxies send; anything else gets an error status and a close.
 */

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

public final class Origin {
    public static void main(String[] args) throws Exception {
        // The distribution's lib/ carries logback, whose default config logs Netty at DEBUG.
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        OriginOptions options;
        try {
            options = OriginOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("origin: " + e.getMessage());
            System.err.println(OriginOptions.USAGE);
            System.exit(2);
            return;
        }
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Responses responses = new Responses(options.bodyBytes);
        FaultPlan faults = new FaultPlan(options.fault, options.faultEvery);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.threads, io);
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(group)
                    .channel(channelType)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new FixedResponder(responses, faults));
                        }
                    });
            Channel server = b.bind(new InetSocketAddress(options.address, options.port)).sync().channel();
            InetSocketAddress bound = (InetSocketAddress) server.localAddress();
            System.out.printf(Locale.ROOT, "ORIGIN listening=%s:%d transport=%s body_bytes=%d%s%n",
                    bound.getAddress().getHostAddress(), bound.getPort(), epoll ? "epoll" : "nio", options.bodyBytes,
                    options.fault == null ? "" : " fault=" + options.fault + " every=" + options.faultEvery);
            System.out.flush();
            server.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }
}

final class OriginOptions {
    static final String USAGE = "usage: java -cp '<dist>/lib/*' Origin.java [--address 127.0.0.1] [--port 0]"
            + " [--body-bytes 13] [--threads 1] [--fault close|reset|truncate|status500|hang|garbage --fault-every N]";

    InetAddress address;
    int port;
    int bodyBytes = 13;
    int threads = 1;
    Fault fault;
    long faultEvery;

    static OriginOptions parse(String[] args) {
        OriginOptions o = new OriginOptions();
        String host = "127.0.0.1";
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + args[i]);
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--address" -> host = v;
                case "--port" -> o.port = intIn(args[i], v, 0, 65535);
                case "--body-bytes" -> o.bodyBytes = intIn(args[i], v, 0, 1 << 20);
                case "--threads" -> o.threads = intIn(args[i], v, 1, 64);
                case "--fault" -> o.fault = Fault.parse(v);
                case "--fault-every" -> o.faultEvery = intIn(args[i], v, 1, Integer.MAX_VALUE);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        try {
            o.address = InetAddress.getByName(host);
        } catch (Exception e) {
            throw new IllegalArgumentException("bad --address " + host);
        }
        if ((o.fault == null) != (o.faultEvery == 0)) {
            throw new IllegalArgumentException("--fault and --fault-every go together");
        }
        if (!o.address.isLoopbackAddress()) {
            throw new IllegalArgumentException("the bench origin listens on loopback only, not " + host);
        }
        return o;
    }

    private static int intIn(String flag, String v, int min, int max) {
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new IllegalArgumentException(flag + " must be in " + min + ".." + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a number, got '" + v + "'");
        }
    }
}

/** The prebuilt responses, shared read-only by all connections. */
final class Responses {
    final ByteBuf keepAlive;
    final ByteBuf keepAliveHttp10;
    final ByteBuf close;

    Responses(int bodyBytes) {
        byte[] body = new byte[bodyBytes];
        byte[] text = "hello, bench\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < bodyBytes; i++) {
            body[i] = text[i % text.length];
        }
        keepAlive = build(body, "");
        keepAliveHttp10 = build(body, "Connection: keep-alive\r\n");
        close = build(body, "Connection: close\r\n");
    }

    private static ByteBuf build(byte[] body, String extraHeaders) {
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\n"
                + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuf buf = Unpooled.directBuffer(head.length + body.length);
        buf.writeBytes(head).writeBytes(body);
        // Never modified after this; unreleasable so every connection can write duplicates of it.
        return Unpooled.unreleasableBuffer(buf);
    }

    /** A 500 that keeps the connection open (Content-Length framed). */
    static ByteBuf serverError() {
        return Unpooled.copiedBuffer("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 6\r\n\r\nfault\n",
                StandardCharsets.US_ASCII);
    }

    static ByteBuf error(int status, String reason) {
        return Unpooled.copiedBuffer("HTTP/1.1 " + status + " " + reason
                + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", StandardCharsets.US_ASCII);
    }
}

/**
 * Deliberate misbehaviour, used only to check that load generators count failures exactly
 * (bench/loadgen/selftest.sh): every Nth request the origin receives is answered this way.
 */
enum Fault {
    /** close the connection without answering (client sees EOF before any response byte). */
    CLOSE,
    /** abort the connection with a TCP RST (SO_LINGER 0) without answering. */
    RESET,
    /** send the head and part of the body, then close. */
    TRUNCATE,
    /** answer 500 on a connection that stays open. */
    STATUS500,
    /** never answer this request (the client's timeout must fire); the connection stays open. */
    HANG,
    /** answer with bytes that are not an HTTP response, then close. */
    GARBAGE;

    static Fault parse(String v) {
        return switch (v) {
            case "close" -> CLOSE;
            case "reset" -> RESET;
            case "truncate" -> TRUNCATE;
            case "status500" -> STATUS500;
            case "hang" -> HANG;
            case "garbage" -> GARBAGE;
            default -> throw new IllegalArgumentException(
                    "--fault must be close, reset, truncate, status500, hang or garbage, got '" + v + "'");
        };
    }
}

/** Decides which requests get the fault; shared by all connections (one counter per origin). */
final class FaultPlan {
    private final Fault fault;
    private final long every;
    private final java.util.concurrent.atomic.AtomicLong requests = new java.util.concurrent.atomic.AtomicLong();

    FaultPlan(Fault fault, long every) {
        this.fault = fault;
        this.every = every;
    }

    /** The fault for the next request, or null for a normal answer. */
    Fault next() {
        if (fault == null) {
            return null;
        }
        return requests.incrementAndGet() % every == 0 ? fault : null;
    }
}

/**
 * Finds each request head, decides keep-alive vs close, writes the fixed response. Responses
 * are written per request and flushed once per read batch, so pipelined requests work.
 */
final class FixedResponder extends ByteToMessageDecoder {
    private static final int MAX_HEAD_BYTES = 16 * 1024;
    private static final int MAX_BODY_BYTES = 1 << 20;

    private final Responses responses;
    private final FaultPlan faults;
    private long bodyToSkip;

    FixedResponder(Responses responses, FaultPlan faults) {
        this.responses = responses;
        this.faults = faults;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            if (bodyToSkip > 0) {
                int n = (int) Math.min(bodyToSkip, in.readableBytes());
                in.skipBytes(n);
                bodyToSkip -= n;
                continue;
            }
            int end = endOfHead(in);
            if (end < 0) {
                if (in.readableBytes() > MAX_HEAD_BYTES) {
                    reject(ctx, in, 431, "Request Header Fields Too Large");
                }
                return;
            }
            String head = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.ISO_8859_1);
            in.readerIndex(end);
            RequestHead req = RequestHead.parse(head);
            if (req == null) {
                reject(ctx, in, 400, "Bad Request");
                return;
            }
            if (req.chunked) {
                reject(ctx, in, 501, "Not Implemented");
                return;
            }
            if (req.contentLength > MAX_BODY_BYTES) {
                reject(ctx, in, 413, "Content Too Large");
                return;
            }
            bodyToSkip = req.contentLength;
            Fault fault = faults.next();
            if (fault != null) {
                if (injectFault(ctx, in, fault)) {
                    return;
                }
                continue;
            }
            if (req.keepAlive) {
                ctx.write((req.http10 ? responses.keepAliveHttp10 : responses.keepAlive).duplicate());
            } else {
                ctx.writeAndFlush(responses.close.duplicate()).addListener(ChannelFutureListener.CLOSE);
                in.skipBytes(in.readableBytes());
                return;
            }
        }
    }

    /** Applies a fault; returns true when the connection is finished with. */
    private boolean injectFault(ChannelHandlerContext ctx, ByteBuf in, Fault fault) {
        switch (fault) {
            case STATUS500 -> {
                ctx.write(Responses.serverError());
                return false;
            }
            case GARBAGE -> ctx.writeAndFlush(Unpooled.copiedBuffer("NOT-HTTP 200\r\n\r\n", StandardCharsets.US_ASCII))
                    .addListener(ChannelFutureListener.CLOSE);
            case HANG -> {
                // Swallow this request: the client times out and drops the connection.
                ctx.flush();
            }
            case CLOSE -> ctx.flush().close();
            case RESET -> {
                ctx.flush();
                ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                ctx.close();
            }
            case TRUNCATE -> {
                ByteBuf full = responses.keepAlive.duplicate();
                ctx.writeAndFlush(full.retainedSlice(full.readerIndex(), full.readableBytes() - 1))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }
        in.skipBytes(in.readableBytes());
        return true;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        ctx.flush();
        super.channelReadComplete(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Peers resetting connections is normal under load and during proxy upgrades.
        ctx.close();
    }

    private static void reject(ChannelHandlerContext ctx, ByteBuf in, int status, String reason) {
        in.skipBytes(in.readableBytes());
        ctx.writeAndFlush(Responses.error(status, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    /** Index just past the blank line ending the head, or -1 if it has not arrived yet. */
    private static int endOfHead(ByteBuf in) {
        int from = in.readerIndex();
        int to = in.writerIndex();
        int i = from;
        while (i < to) {
            int lf = in.indexOf(i, to, (byte) '\n');
            if (lf < 0) {
                return -1;
            }
            // "\n\n" or "\n\r\n" ends the head.
            if (lf + 1 < to && in.getByte(lf + 1) == '\n') {
                return lf + 2;
            }
            if (lf + 2 < to && in.getByte(lf + 1) == '\r' && in.getByte(lf + 2) == '\n') {
                return lf + 3;
            }
            i = lf + 1;
        }
        return -1;
    }
}

/** What the origin needs from a request head. */
final class RequestHead {
    boolean http10;
    boolean keepAlive;
    boolean chunked;
    long contentLength;

    /** Returns null when the head is not an HTTP/1.x request. */
    static RequestHead parse(String head) {
        String[] lines = head.split("\r?\n");
        if (lines.length == 0) {
            return null;
        }
        String requestLine = lines[0];
        RequestHead r = new RequestHead();
        if (requestLine.endsWith(" HTTP/1.1")) {
            r.http10 = false;
        } else if (requestLine.endsWith(" HTTP/1.0")) {
            r.http10 = true;
        } else {
            return null;
        }
        boolean close = false;
        boolean keepAliveToken = false;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0) {
                if (line.isEmpty()) {
                    continue;
                }
                return null;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            if (name.equalsIgnoreCase("connection")) {
                close |= value.contains("close");
                keepAliveToken |= value.contains("keep-alive");
            } else if (name.equalsIgnoreCase("content-length")) {
                try {
                    r.contentLength = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    return null;
                }
                if (r.contentLength < 0) {
                    return null;
                }
            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                r.chunked = value.contains("chunked");
            }
        }
        r.keepAlive = r.http10 ? keepAliveToken && !close : !close;
        return r;
    }
}
