package dev.zentinel.proxy.server;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.kqueue.KQueue;
import io.netty.channel.kqueue.KQueueIoHandler;
import io.netty.channel.kqueue.KQueueServerSocketChannel;
import io.netty.channel.kqueue.KQueueSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The native I/O transport of this process: epoll on Linux, kqueue on macOS, NIO elsewhere.
 * Detect it once per process; every event loop group and channel class comes from here so the
 * listeners, client connections and upstream connections all share one transport.
 */
public final class Transport {

    /** System property forcing a transport ("epoll", "kqueue" or "nio"); for diagnosis. */
    public static final String PROPERTY = "zentinel.transport";

    private final String name;
    private final Supplier<IoHandlerFactory> ioHandlerFactory;
    private final Class<? extends ServerChannel> serverChannelClass;
    private final Class<? extends Channel> channelClass;

    private Transport(String name, Supplier<IoHandlerFactory> ioHandlerFactory,
                      Class<? extends ServerChannel> serverChannelClass, Class<? extends Channel> channelClass) {
        this.name = name;
        this.ioHandlerFactory = ioHandlerFactory;
        this.serverChannelClass = serverChannelClass;
        this.channelClass = channelClass;
    }

    /** The best transport available here, unless {@value #PROPERTY} asks for a specific one. */
    public static Transport detect() {
        String forced = System.getProperty(PROPERTY);
        if (forced != null && !forced.isBlank()) {
            return named(forced.trim().toLowerCase(Locale.ROOT));
        }
        if (Epoll.isAvailable()) {
            return epoll();
        }
        if (KQueue.isAvailable()) {
            return kqueue();
        }
        return nio();
    }

    /** The portable NIO transport (always available). */
    public static Transport nio() {
        return new Transport("nio", NioIoHandler::newFactory, NioServerSocketChannel.class, NioSocketChannel.class);
    }

    private static Transport named(String name) {
        switch (name) {
            case "epoll":
                Epoll.ensureAvailability();
                return epoll();
            case "kqueue":
                KQueue.ensureAvailability();
                return kqueue();
            case "nio":
                return nio();
            default:
                throw new IllegalArgumentException(PROPERTY + " must be epoll, kqueue or nio, got '" + name + "'");
        }
    }

    private static Transport epoll() {
        return new Transport("epoll", EpollIoHandler::newFactory, EpollServerSocketChannel.class, EpollSocketChannel.class);
    }

    private static Transport kqueue() {
        return new Transport("kqueue", KQueueIoHandler::newFactory, KQueueServerSocketChannel.class, KQueueSocketChannel.class);
    }

    /** A new event loop group of {@code threads} threads (daemon threads named {@code name-N}). */
    public EventLoopGroup newGroup(int threads, String name) {
        if (threads < 1) {
            throw new IllegalArgumentException("event loop threads must be >= 1, got " + threads);
        }
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), ioHandlerFactory.get());
    }

    public Class<? extends ServerChannel> serverChannelClass() {
        return serverChannelClass;
    }

    public Class<? extends Channel> channelClass() {
        return channelClass;
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
