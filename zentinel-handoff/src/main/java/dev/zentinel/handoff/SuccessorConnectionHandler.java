package dev.zentinel.handoff;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.PeerCredentials;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Old side of one handoff connection: checks the peer's uid before reading a byte, negotiates,
 * sends OFFER + SNAPSHOT, the descriptors on request, then waits for READY. Every failure closes
 * only this connection; the listener keeps accepting.
 */
final class SuccessorConnectionHandler extends SimpleChannelInboundHandler<Object> {

    private static final Logger log = LoggerFactory.getLogger(SuccessorConnectionHandler.class);

    private enum Phase { AWAIT_HELLO, AWAIT_SEND_FDS, AWAIT_FDS_RECEIVED, AWAIT_READY, READY_RECEIVED, DONE }

    private final DomainSocketTransport transport;
    private final HandoffLimits limits;
    private final HandoffAcceptor acceptor;
    private final int ownUid;
    private final PhaseTimer ioTimer = new PhaseTimer();
    private final PhaseTimer readinessTimer = new PhaseTimer();

    private ChannelHandlerContext ctx;
    private Phase phase = Phase.AWAIT_HELLO;
    private PeerInfo peer;
    private int protocolVersion;
    private List<InheritedListener> offered = List.of();
    private HandoffSession session;
    private long offerSentNanos;
    private boolean rejectionReported;

    SuccessorConnectionHandler(DomainSocketTransport transport, HandoffLimits limits, HandoffAcceptor acceptor, int ownUid) {
        super(Object.class);
        this.transport = transport;
        this.limits = limits;
        this.acceptor = acceptor;
        this.ownUid = ownUid;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        PeerCredentials creds;
        try {
            creds = transport.peerCredentials(ctx.channel());
        } catch (IOException e) {
            reject("cannot read the peer's credentials: " + e.getMessage());
            return;
        }
        peer = DomainSocketTransport.peerInfo(creds);
        if (peer.uid() != ownUid) {
            // Nothing has been read from this peer: auto-read is off until this check passes.
            reject("peer pid " + peer.pid() + " runs as uid " + peer.uid() + ", not our uid " + ownUid + "; dropped unread");
            return;
        }
        log.info("handoff: pid {} connected", peer.pid());
        ioTimer.arm(ctx, limits.ioTimeout(), "HELLO", this::reject);
        ctx.channel().config().setAutoRead(true);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.DONE) {
            // Finished, refused or failed: anything still in flight is dropped.
            if (msg instanceof FileDescriptor fd) {
                closeQuietly(fd);
            }
            return;
        }
        if (msg instanceof FileDescriptor fd) {
            closeQuietly(fd);
            protocolError("peer sent a file descriptor; a successor never does");
            return;
        }
        Frame frame = (Frame) msg;
        try {
            if (frame.type() == MessageType.FAILED && session != null) {
                String reason = Messages.readReason(frame);
                if (session.outcome().isDone()) {
                    log.warn("handoff: successor pid {} reported a failure after READY: {}", peer.pid(), reason);
                }
                fail("successor pid " + peer.pid() + " failed: " + reason);
                return;
            }
            switch (phase) {
                case AWAIT_HELLO -> onHello(expect(frame, MessageType.HELLO));
                case AWAIT_SEND_FDS -> onSendFds(expect(frame, MessageType.SEND_FDS));
                case AWAIT_FDS_RECEIVED -> onFdsReceived(expect(frame, MessageType.FDS_RECEIVED));
                case AWAIT_READY -> onReady(expect(frame, MessageType.READY));
                default -> throw new HandoffProtocolException("unexpected " + frame.type() + " after READY");
            }
        } catch (HandoffProtocolException e) {
            protocolError(e.getMessage());
        }
    }

    private Frame expect(Frame frame, MessageType type) throws HandoffProtocolException {
        if (frame.type() != type) {
            throw new HandoffProtocolException("expected " + type + " but got " + frame.type());
        }
        int wantVersion = type == MessageType.HELLO ? Protocol.BOOTSTRAP_VERSION : protocolVersion;
        if (frame.version() != wantVersion) {
            throw new HandoffProtocolException(type + " in protocol version " + frame.version() + ", expected " + wantVersion);
        }
        return frame;
    }

    private void onHello(Frame frame) throws HandoffProtocolException {
        Messages.Hello hello = Messages.readHello(frame);
        if (hello.protocolVersions().size() > Protocol.MAX_VERSION_LIST || hello.snapshotVersions().size() > Protocol.MAX_VERSION_LIST) {
            throw new HandoffProtocolException("HELLO must list at most " + Protocol.MAX_VERSION_LIST + " protocol and snapshot versions");
        }
        Protocol.checkedVersion(hello.version(), MessageType.HELLO);
        if (hello.pid() != peer.pid()) {
            // Legitimate across pid namespaces; the kernel's answer is the one we act on.
            log.warn("handoff: HELLO says pid {} but the socket peer is pid {}; using the kernel's", hello.pid(), peer.pid());
        }
        log.info("handoff: HELLO from pid {} version {} (protocol {}, snapshot {})", peer.pid(), hello.version(),
                hello.protocolVersions(), hello.snapshotVersions());
        OptionalInt protocol = Protocol.newestCommon(Protocol.SUPPORTED_VERSIONS, hello.protocolVersions());
        if (protocol.isEmpty()) {
            refuse("no common protocol version: successor speaks " + hello.protocolVersions() + ", this process speaks "
                    + Protocol.SUPPORTED_VERSIONS);
            return;
        }
        int snapshotVersion;
        try {
            snapshotVersion = SnapshotCodec.newestCommon(hello.snapshotVersions());
        } catch (HandoffException e) {
            refuse(e.getMessage());
            return;
        }
        HandoffOffer offer;
        try {
            offer = acceptor.offer(peer);
        } catch (HandoffRefusedException e) {
            refuse(e.reason());
            return;
        } catch (RuntimeException e) {
            log.error("handoff: preparing the offer for pid {} failed", peer.pid(), e);
            refuse("the running process failed to prepare the handoff: " + e);
            return;
        }
        String invalid = validate(offer);
        if (invalid != null) {
            refuse(invalid);
            return;
        }
        byte[] snapshot = SnapshotCodec.encode(offer.snapshot(), snapshotVersion);
        if (snapshot.length > limits.maxFrameBytes() - Protocol.HEADER_BYTES) {
            refuse("state snapshot of " + snapshot.length + " bytes exceeds the frame limit of " + limits.maxFrameBytes() + " bytes");
            return;
        }
        protocolVersion = protocol.getAsInt();
        Messages.Offer message = new Messages.Offer(protocolVersion, snapshotVersion, offer.generation(), ProcessIdentity.pid(),
                offer.listeners().stream().map(InheritedListener::entry).toList());
        Frame offerFrame = Messages.frame(protocolVersion, MessageType.OFFER, message);
        if (offerFrame.payload().length > limits.maxFrameBytes() - Protocol.HEADER_BYTES) {
            refuse("listener table of " + offerFrame.payload().length + " bytes exceeds the frame limit of " + limits.maxFrameBytes() + " bytes");
            return;
        }
        offered = offer.listeners();
        ctx.write(offerFrame);
        ctx.writeAndFlush(new Frame(protocolVersion, MessageType.SNAPSHOT, snapshot)).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        offerSentNanos = System.nanoTime();
        session = new HandoffSession(peer, ctx.channel(), this);
        phase = Phase.AWAIT_SEND_FDS;
        ioTimer.arm(ctx, limits.ioTimeout(), "SEND_FDS", this::fail);
        Duration readiness = offer.readinessTimeout();
        readinessTimer.arm(ctx, readiness, "READY from successor pid " + peer.pid(), this::timeOut);
        log.info("handoff: offered generation {} with {} listener(s) to pid {} (protocol v{}, snapshot v{}, {} bytes)",
                offer.generation(), offered.size(), peer.pid(), protocolVersion, snapshotVersion, snapshot.length);
        try {
            acceptor.started(session);
        } catch (RuntimeException e) {
            log.error("handoff: the application's started() failed for pid {}", peer.pid(), e);
            abort("the running process failed to start the handoff session: " + e);
        }
    }

    private String validate(HandoffOffer offer) {
        if (offer == null) {
            return "the running process had nothing to offer";
        }
        if (offer.listeners().size() > limits.maxListeners()) {
            return "listener table of " + offer.listeners().size() + " entries exceeds the limit of " + limits.maxListeners();
        }
        Set<String> names = new HashSet<>();
        for (InheritedListener l : offer.listeners()) {
            if (!names.add(l.entry().name())) {
                return "listener name '" + l.entry().name() + "' appears twice in the listener table";
            }
            if (!l.fd().isOpen()) {
                return "listener '" + l.entry().name() + "' has a closed descriptor";
            }
        }
        return null;
    }

    private void onSendFds(Frame frame) throws HandoffProtocolException {
        int count = Messages.readCount(frame).count();
        if (count != offered.size()) {
            throw new HandoffProtocolException("SEND_FDS asks for " + count + " descriptors, the offer had " + offered.size());
        }
        // The successor switched its read mode to FILE_DESCRIPTORS before asking: send nothing but descriptors now.
        for (InheritedListener l : offered) {
            ctx.write(l.fd()).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    fail("sending descriptor of listener '" + l.entry().name() + "' failed: " + f.cause());
                }
            });
        }
        ctx.flush();
        phase = Phase.AWAIT_FDS_RECEIVED;
        ioTimer.arm(ctx, limits.ioTimeout(), "FDS_RECEIVED", this::fail);
    }

    private void onFdsReceived(Frame frame) throws HandoffProtocolException {
        int count = Messages.readCount(frame).count();
        if (count != offered.size()) {
            throw new HandoffProtocolException("FDS_RECEIVED reports " + count + " descriptors, " + offered.size() + " were sent");
        }
        ioTimer.cancel();
        phase = Phase.AWAIT_READY;
        log.info("handoff: pid {} received {} listener descriptor(s)", peer.pid(), count);
    }

    private void onReady(Frame frame) throws HandoffProtocolException {
        Messages.Ready ready = Messages.readReady(frame);
        Protocol.checkedVersion(ready.version(), MessageType.READY);
        readinessTimer.cancel();
        phase = Phase.READY_RECEIVED;
        Duration startup = Duration.ofMillis(Math.max(0, ready.startupMillis()));
        log.info("handoff: pid {} (version {}) READY after {} ms since the offer; its start-up took {} ms", peer.pid(), ready.version(),
                (System.nanoTime() - offerSentNanos) / 1_000_000, startup.toMillis());
        session.outcome().complete(new ReadyReport(peer.pid(), ready.version(), startup));
    }

    void sendReadyAck() {
        if (phase != Phase.READY_RECEIVED) {
            log.warn("handoff: READY_ACK for pid {} not sent: session is {}", peer.pid(), phase);
            return;
        }
        phase = Phase.DONE;
        ctx.writeAndFlush(Messages.frame(protocolVersion, MessageType.READY_ACK, new Messages.Empty()))
                .addListener(ChannelFutureListener.CLOSE);
        log.info("handoff: acknowledged READY of pid {}", peer.pid());
    }

    void abort(String reason) {
        if (phase == Phase.DONE || !ctx.channel().isActive()) {
            fail("aborted: " + reason);
            return;
        }
        log.warn("handoff: aborting session with pid {}: {}", peer.pid(), reason);
        Phase was = phase;
        phase = Phase.DONE;
        int version = was == Phase.AWAIT_HELLO ? Protocol.BOOTSTRAP_VERSION : protocolVersion;
        ctx.writeAndFlush(Messages.frame(version, MessageType.ABORT, new Messages.Reason(reason))).addListener(ChannelFutureListener.CLOSE);
        completeFailed("aborted: " + reason);
    }

    private void timeOut(String what) {
        abort("readiness timeout: " + what);
    }

    private void refuse(String reason) {
        String bounded = Protocol.boundedReason(reason);
        log.warn("handoff: refused pid {}: {}", peer.pid(), bounded);
        phase = Phase.DONE;
        ioTimer.cancel();
        ctx.writeAndFlush(Messages.frame(Protocol.BOOTSTRAP_VERSION, MessageType.REFUSED, new Messages.Reason(bounded)))
                .addListener(ChannelFutureListener.CLOSE);
        notifyRejected(bounded);
    }

    private void protocolError(String reason) {
        fail("protocol error from pid " + (peer == null ? "?" : peer.pid()) + ": " + reason);
    }

    /** Ends the connection because of {@code reason}; the session (if any) fails with it. */
    private void fail(String reason) {
        if (session == null) {
            reject(reason);
            return;
        }
        if (!session.outcome().isDone()) {
            log.warn("handoff: session with pid {} failed: {}", peer.pid(), reason);
        }
        phase = Phase.DONE;
        completeFailed(reason);
        ctx.close();
    }

    private void reject(String reason) {
        if (rejectionReported) {
            ctx.close();
            return;
        }
        log.warn("handoff: connection rejected: {}", reason);
        phase = Phase.DONE;
        ioTimer.cancel();
        ctx.close();
        notifyRejected(reason);
    }

    private void notifyRejected(String reason) {
        if (rejectionReported) {
            return;
        }
        rejectionReported = true;
        try {
            acceptor.rejected(peer, reason);
        } catch (RuntimeException e) {
            log.error("handoff: the application's rejected() failed", e);
        }
    }

    private void completeFailed(String reason) {
        ioTimer.cancel();
        readinessTimer.cancel();
        if (session != null) {
            session.outcome().completeExceptionally(new HandoffException(reason));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ioTimer.cancel();
        readinessTimer.cancel();
        if (session != null && !session.outcome().isDone()) {
            fail("successor pid " + peer.pid() + " disconnected while the handoff was in phase " + phase);
        } else if (session == null && phase != Phase.DONE) {
            reject("pid " + (peer == null ? "?" : peer.pid()) + " disconnected before a session started");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof HandoffProtocolException) {
            protocolError(root.getMessage());
        } else {
            log.debug("handoff connection error", root);
            fail("connection error with pid " + (peer == null ? "?" : peer.pid()) + ": " + root);
        }
    }

    private static void closeQuietly(FileDescriptor fd) {
        try {
            fd.close();
        } catch (IOException ignored) {
            // Nothing else to do with a descriptor we never wanted.
        }
    }
}
