package dev.zentinel.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile or broken peers on the old side's socket: each is rejected with a clear, logged reason,
 * nothing is handed over, and a well-behaved successor afterwards still gets its handoff.
 */
class HandoffProtocolAbuseTest extends HandoffTestSupport {

    private static final int HELLO = 1;
    private static final String GOOD_HELLO = "{\"pid\":1,\"version\":\"x\",\"protocolVersions\":[1],\"snapshotVersions\":[1,2]}";

    private TestAcceptor acceptor;
    private Channel old;

    @BeforeEach
    void listenWithShortTimeouts() throws Exception {
        old = oldTcpListener();
        acceptor = new TestAcceptor(peer -> offerOf(9, inherited("main", old)));
        listen(acceptor, HandoffLimits.defaults().withMaxFrameBytes(64 * 1024).withIoTimeout(Duration.ofSeconds(2)));
    }

    @Test
    void garbageBytesAreRejected() throws Exception {
        assertRejected("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII), "bad magic");
    }

    @Test
    void aFrameWithTheWrongMagicIsRejected() throws Exception {
        byte[] payload = GOOD_HELLO.getBytes(StandardCharsets.UTF_8);
        assertRejected(RawPeer.frame(0x5A4E4858, 1, HELLO, payload.length, payload), "bad magic");
    }

    @Test
    void anOversizedFrameIsRejectedFromItsHeaderAlone() throws Exception {
        assertRejected(RawPeer.frame(Protocol.MAGIC, 1, HELLO, 2 << 20, new byte[0]), "exceeds the limit of 65536 bytes");
    }

    @Test
    void anUnknownMessageTypeIsRejected() throws Exception {
        assertRejected(RawPeer.frame(1, 99, "{}"), "unknown message type 99");
    }

    @Test
    void aFrameInAnUnknownProtocolVersionIsRejected() throws Exception {
        assertRejected(RawPeer.frame(7, HELLO, GOOD_HELLO), "frame protocol version 7 is not supported");
    }

    @Test
    void aMessageOutOfOrderIsRejected() throws Exception {
        assertRejected(RawPeer.frame(1, 7, "{\"pid\":1,\"version\":\"x\",\"startupMillis\":1}"), "expected HELLO but got READY");
    }

    @Test
    void aMalformedHelloIsRejected() throws Exception {
        assertRejected(RawPeer.frame(1, HELLO, "{\"pid\": \"not a number\""), "malformed HELLO");
    }

    @Test
    void aHelloWithoutARequiredFieldIsRejected() throws Exception {
        assertRejected(RawPeer.frame(1, HELLO, "{\"version\":\"x\",\"protocolVersions\":[1],\"snapshotVersions\":[1]}"),
                "malformed HELLO");
    }

    @Test
    void aHelloWithNoCommonProtocolVersionIsAnsweredWithRefused() throws Exception {
        try (RawPeer peer = RawPeer.connect(socketPath())) {
            peer.send(RawPeer.frame(1, HELLO, "{\"pid\":1,\"version\":\"9.0\",\"protocolVersions\":[7,8],\"snapshotVersions\":[1,2],\"future\":true}"));
            RawPeer.RawFrame answer = peer.readFrame();
            assertThat(answer.type()).isEqualTo(MessageType.REFUSED.code());
            assertThat(answer.version()).isEqualTo(Protocol.BOOTSTRAP_VERSION);
            assertThat(answer.text()).contains("no common protocol version").contains("[7, 8]");
            assertThat(peer.closedWithoutData()).isTrue();
        }
        assertThat(acceptor.nextRejection()).contains("no common protocol version");
        assertGoodHandoffStillWorks();
    }

    @Test
    void aHelloWithNoCommonSnapshotVersionIsAnsweredWithRefused() throws Exception {
        try (RawPeer peer = RawPeer.connect(socketPath())) {
            peer.send(RawPeer.frame(1, HELLO, "{\"pid\":1,\"version\":\"9.0\",\"protocolVersions\":[1],\"snapshotVersions\":[5]}"));
            RawPeer.RawFrame answer = peer.readFrame();
            assertThat(answer.type()).isEqualTo(MessageType.REFUSED.code());
            assertThat(answer.text()).contains("no common snapshot version");
        }
        assertThat(acceptor.nextRejection()).contains("no common snapshot version");
        assertGoodHandoffStillWorks();
    }

    @Test
    void aPeerThatSaysNothingIsDroppedAfterTheIoTimeout() throws Exception {
        try (RawPeer peer = RawPeer.connect(socketPath())) {
            assertThat(peer.closedWithoutData()).isTrue();
        }
        assertThat(acceptor.nextRejection()).contains("no HELLO within");
        assertGoodHandoffStillWorks();
    }

    @Test
    void aPeerThatStallsMidFrameIsDroppedAfterTheIoTimeout() throws Exception {
        byte[] hello = RawPeer.frame(1, HELLO, GOOD_HELLO);
        byte[] partial = java.util.Arrays.copyOf(hello, hello.length - 5);
        assertRejected(partial, "no HELLO within");
    }

    @Test
    void connectionsBeyondTheOpenLimitAreClosedUnread() throws Exception {
        java.util.List<RawPeer> idle = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < HandoffListener.MAX_OPEN_CONNECTIONS; i++) {
                idle.add(RawPeer.connect(socketPath()));
            }
            try (RawPeer extra = RawPeer.connect(socketPath())) {
                assertThat(extra.closedWithoutData()).isTrue();
            }
            assertThat(acceptor.nextRejection()).contains("too many open handoff connections");
        } finally {
            for (RawPeer p : idle) {
                p.close();
            }
        }
        assertGoodHandoffStillWorks();
    }

    private void assertRejected(byte[] bytes, String reasonFragment) throws Exception {
        try (RawPeer peer = RawPeer.connect(socketPath())) {
            peer.send(bytes);
            assertThat(peer.closedWithoutData()).as("the old side closes without answering").isTrue();
        }
        assertThat(acceptor.nextRejection()).contains(reasonFragment);
        assertThat(acceptor.noSessionStarted()).isTrue();
        assertGoodHandoffStillWorks();
    }

    private void assertGoodHandoffStillWorks() throws Exception {
        IncomingHandoff incoming = connect();
        assertThat(incoming.generation()).isEqualTo(9);
        HandoffSession session = acceptor.nextSession();
        CompletableFuture<Void> acked = incoming.ready("v", Duration.ZERO);
        await(session.outcome());
        session.acknowledgeReady();
        await(acked);
        incoming.closeUnadopted(java.util.List.of());
        assertThat(TcpListeners.greetingAt(TcpListeners.port(old))).isEqualTo("old");
    }
}
