package dev.zentinel.handoff;

import io.netty.channel.Channel;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.kqueue.KQueue;
import io.netty.channel.kqueue.KQueueDomainSocketChannel;
import io.netty.channel.kqueue.KQueueServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import java.io.IOException;

/** The native Unix-domain-socket channel types of this platform: epoll on Linux, kqueue on macOS. */
enum DomainSocketTransport {
    EPOLL(EpollServerDomainSocketChannel.class, EpollDomainSocketChannel.class),
    KQUEUE(KQueueServerDomainSocketChannel.class, KQueueDomainSocketChannel.class);

    private final Class<? extends ServerChannel> serverChannel;
    private final Class<? extends DomainSocketChannel> channel;

    DomainSocketTransport(Class<? extends ServerChannel> serverChannel, Class<? extends DomainSocketChannel> channel) {
        this.serverChannel = serverChannel;
        this.channel = channel;
    }

    static DomainSocketTransport detect() throws HandoffException {
        if (Epoll.isAvailable()) {
            return EPOLL;
        }
        if (KQueue.isAvailable()) {
            return KQUEUE;
        }
        throw new HandoffException("the handoff needs native epoll (Linux) or kqueue (macOS) transport; epoll: "
                + Epoll.unavailabilityCause() + "; kqueue: " + KQueue.unavailabilityCause());
    }

    Class<? extends ServerChannel> serverChannelType() {
        return serverChannel;
    }

    Class<? extends DomainSocketChannel> channelType() {
        return channel;
    }

    PeerCredentials peerCredentials(Channel ch) throws IOException {
        if (ch instanceof EpollDomainSocketChannel epoll) {
            return epoll.peerCredentials();
        }
        if (ch instanceof KQueueDomainSocketChannel kqueue) {
            return kqueue.peerCredentials();
        }
        throw new IOException("not a native domain socket channel: " + ch.getClass().getName());
    }

    static PeerInfo peerInfo(PeerCredentials creds) {
        int[] gids = creds.gids();
        return new PeerInfo(creds.pid(), creds.uid(), gids.length > 0 ? gids[0] : -1);
    }
}
