package dev.zentinel.app.control;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.kqueue.KQueue;
import io.netty.channel.kqueue.KQueueDomainSocketChannel;
import io.netty.channel.kqueue.KQueueIoHandler;
import io.netty.channel.kqueue.KQueueServerDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;

/**
 * The native transport that carries Unix domain sockets with peer credentials: epoll on Linux,
 * kqueue on macOS. (Netty's NIO domain sockets cannot report the peer's uid, which the control
 * socket requires, so there is deliberately no NIO fallback.)
 */
public enum DomainSockets {
    EPOLL {
        @Override
        IoHandlerFactory ioHandlerFactory() {
            return EpollIoHandler.newFactory();
        }

        @Override
        public Class<? extends ServerChannel> serverChannelClass() {
            return EpollServerDomainSocketChannel.class;
        }

        @Override
        public Class<? extends Channel> channelClass() {
            return EpollDomainSocketChannel.class;
        }

        @Override
        public PeerCredentials peerCredentials(Channel channel) throws IOException {
            return ((EpollDomainSocketChannel) channel).peerCredentials();
        }
    },
    KQUEUE {
        @Override
        IoHandlerFactory ioHandlerFactory() {
            return KQueueIoHandler.newFactory();
        }

        @Override
        public Class<? extends ServerChannel> serverChannelClass() {
            return KQueueServerDomainSocketChannel.class;
        }

        @Override
        public Class<? extends Channel> channelClass() {
            return KQueueDomainSocketChannel.class;
        }

        @Override
        public PeerCredentials peerCredentials(Channel channel) throws IOException {
            return ((KQueueDomainSocketChannel) channel).peerCredentials();
        }
    };

    /** The transport for this platform; fails with a clear message where neither is available. */
    public static DomainSockets detect() {
        if (Epoll.isAvailable()) {
            return EPOLL;
        }
        if (KQueue.isAvailable()) {
            return KQUEUE;
        }
        throw new IllegalStateException("Unix domain sockets need the epoll (Linux) or kqueue (macOS) transport: "
                + Epoll.unavailabilityCause().getMessage());
    }

    abstract IoHandlerFactory ioHandlerFactory();

    public abstract Class<? extends ServerChannel> serverChannelClass();

    public abstract Class<? extends Channel> channelClass();

    /** The credentials of the process at the other end of a connected domain socket of this transport. */
    public abstract PeerCredentials peerCredentials(Channel channel) throws IOException;

    public EventLoopGroup newGroup(int threads, String threadNamePrefix) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadNamePrefix, true),
                ioHandlerFactory());
    }

    public String displayName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
