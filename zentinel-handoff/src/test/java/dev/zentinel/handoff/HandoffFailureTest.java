package dev.zentinel.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Every way a handoff can fail before READY: the old side learns why and keeps serving. */
class HandoffFailureTest extends HandoffTestSupport {

    @Test
    void aRefusedSuccessorLearnsWhyAndALaterAttemptSucceeds() throws Exception {
        Channel old = oldTcpListener();
        TestAcceptor acceptor = new TestAcceptor(peer -> {
            throw new HandoffRefusedException("an upgrade is already in flight");
        });
        listen(acceptor);

        Throwable refused = failureOf(HandoffClient.connect(socketPath(), group, HandoffLimits.defaults(), "v2"));
        assertThat(refused).isInstanceOf(HandoffException.class).hasMessageContaining("refused").hasMessageContaining("an upgrade is already in flight");
        assertThat(acceptor.nextRejection()).isEqualTo("an upgrade is already in flight");
        assertThat(acceptor.noSessionStarted()).isTrue();

        acceptor.policy(peer -> offerOf(4, inherited("main", old)));
        IncomingHandoff incoming = connect();
        assertThat(incoming.generation()).isEqualTo(4);
        HandoffSession session = acceptor.nextSession();
        CompletableFuture<Void> acked = incoming.ready("v2", Duration.ZERO);
        await(session.outcome());
        session.acknowledgeReady();
        await(acked);
    }

    @Test
    void failedSuccessorFailsTheSessionWithItsReason() throws Exception {
        Channel old = oldTcpListener();
        TestAcceptor acceptor = new TestAcceptor(peer -> offerOf(1, inherited("main", old)));
        listen(acceptor);

        IncomingHandoff incoming = connect();
        HandoffSession session = acceptor.nextSession();
        incoming.fail("config rejected: upstream 'x' has no servers");
        Throwable cause = failureOf(session.outcome());
        assertThat(cause).isInstanceOf(HandoffException.class).hasMessageContaining("config rejected: upstream 'x' has no servers");
        assertThat(TcpListeners.greetingAt(TcpListeners.port(old))).isEqualTo("old");
    }

    @Test
    void successorDisconnectingBeforeReadyFailsTheSession() throws Exception {
        Channel old = oldTcpListener();
        TestAcceptor acceptor = new TestAcceptor(peer -> offerOf(1, inherited("main", old)));
        listen(acceptor);

        IncomingHandoff incoming = connect();
        HandoffSession session = acceptor.nextSession();
        incoming.close();
        assertThat(failureOf(session.outcome())).isInstanceOf(HandoffException.class).hasMessageContaining("disconnected");
        assertThat(TcpListeners.greetingAt(TcpListeners.port(old))).isEqualTo("old");
    }

    @Test
    void noReadyWithinTheReadinessTimeoutAbortsTheSuccessor() throws Exception {
        Channel old = oldTcpListener();
        TestAcceptor acceptor = new TestAcceptor(peer -> new HandoffOffer(1, List.of(inherited("main", old)),
                StateSnapshot.empty(1), Duration.ofMillis(300)));
        listen(acceptor);

        IncomingHandoff incoming = connect();
        HandoffSession session = acceptor.nextSession();
        assertThat(failureOf(session.outcome())).isInstanceOf(HandoffException.class).hasMessageContaining("readiness timeout");
        await(incoming.closed());
        Throwable late = failureOf(incoming.ready("v", Duration.ZERO));
        assertThat(late).isInstanceOf(HandoffException.class).isNotInstanceOf(PredecessorGoneException.class)
                .hasMessageContaining("aborted").hasMessageContaining("readiness timeout");
        assertThat(TcpListeners.greetingAt(TcpListeners.port(old))).isEqualTo("old");
    }

    @Test
    void abortAfterReadyFailsTheSuccessorsReady() throws Exception {
        Channel old = oldTcpListener();
        TestAcceptor acceptor = new TestAcceptor(peer -> offerOf(1, inherited("main", old)));
        listen(acceptor);

        IncomingHandoff incoming = connect();
        HandoffSession session = acceptor.nextSession();
        CompletableFuture<Void> acked = incoming.ready("v", Duration.ZERO);
        await(session.outcome());
        session.abort("operator cancelled the upgrade");
        assertThat(failureOf(acked)).hasMessageContaining("operator cancelled the upgrade");
    }

    @Test
    void anOfferBeyondTheLimitsIsRefusedWithTheReason() throws Exception {
        Channel old = oldTcpListener();
        HandoffLimits small = HandoffLimits.defaults().withMaxFrameBytes(HandoffLimits.MIN_FRAME_BYTES);
        TestAcceptor acceptor = new TestAcceptor(peer -> new HandoffOffer(1, List.of(inherited("main", old)),
                new StateSnapshot(1, Map.of(), Map.of("big", "y".repeat(10_000)))));
        listen(acceptor, small);

        assertThat(failureOf(HandoffClient.connect(socketPath(), group, HandoffLimits.defaults(), "v")))
                .hasMessageContaining("exceeds the frame limit");
        assertThat(acceptor.nextRejection()).contains("state snapshot");

        acceptor.policy(peer -> new HandoffOffer(1, List.of(inherited("a", old), inherited("b", old)), StateSnapshot.empty(1)));
        HandoffLimits oneListener = HandoffLimits.defaults().withMaxListeners(1);
        assertThat(failureOf(HandoffClient.connect(socketPath(), group, oneListener, "v"))).hasMessageContaining("listeners");
    }

    @Test
    void connectingToNothingFailsClearly() {
        Throwable cause = failureOf(HandoffClient.connect(tmp.resolve("absent.sock"), group, HandoffLimits.defaults(), "v"));
        assertThat(cause).isInstanceOf(HandoffException.class).hasMessageContaining("cannot connect to handoff socket");
    }
}
