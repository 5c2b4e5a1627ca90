package dev.zentinel.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The rendezvous socket file: private, replaceable, and only ever removed by its own listener. */
class HandoffListenerSocketFileTest extends HandoffTestSupport {

    private final TestAcceptor acceptor = new TestAcceptor(peer -> offerOf(1));

    @Test
    void theSocketIsOwnerOnlyInsideAPrivateDirectory() throws Exception {
        listen(acceptor);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socketPath(), LinkOption.NOFOLLOW_LINKS)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socketPath().getParent()))).isEqualTo("rwx------");
        try (var files = Files.list(socketPath().getParent())) {
            assertThat(files).as("no temporary socket left behind").containsExactly(socketPath());
        }
    }

    @Test
    void refusesToStartInADirectoryOthersCanEnter() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("run"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
        Throwable cause = failureOf(HandoffListener.bind(socketPath(), group, HandoffLimits.defaults(), acceptor));
        assertThat(cause).isInstanceOf(HandoffException.class).hasMessageContaining("must be 0700");
        assertThat(socketPath()).doesNotExist();
    }

    @Test
    void replacesAStaleSocketFile() throws Exception {
        HandoffListener first = listen(acceptor);
        // A crashed process leaves its socket file behind; simulate by making the file outlive its listener.
        Path stale = socketPath();
        Path keep = stale.resolveSibling("kept.sock");
        Files.createLink(keep, stale);
        first.close();
        Files.move(keep, stale);

        listen(acceptor);
        assertGoodHandoff();
    }

    @Test
    void refusesToReplaceSomethingThatIsNotASocket() throws Exception {
        PrivateDirectory.ensure(socketPath().getParent());
        Files.writeString(socketPath(), "precious");
        Throwable cause = failureOf(HandoffListener.bind(socketPath(), group, HandoffLimits.defaults(), acceptor));
        assertThat(cause).hasMessageContaining("exists and is not a socket");
        assertThat(Files.readString(socketPath())).isEqualTo("precious");
    }

    @Test
    void closingTheOldListenerLeavesTheSuccessorsSocketInPlace() throws Exception {
        HandoffListener old = listen(acceptor);
        // The successor binds its own listener at the same path while the old one still runs.
        TestAcceptor successorAcceptor = new TestAcceptor(peer -> offerOf(2));
        HandoffListener successor = listen(successorAcceptor);

        old.close();
        assertThat(socketPath()).exists();
        IncomingHandoff incoming = connect();
        assertThat(incoming.generation()).as("the connection reaches the successor's listener").isEqualTo(2);
        incoming.close();

        successor.close();
        assertThat(socketPath()).doesNotExist();
    }

    @Test
    void aTooLongPathIsRejectedUpFront() {
        Path deep = tmp.resolve("d".repeat(60)).resolve("e".repeat(60)).resolve("handoff.sock");
        Throwable cause = failureOf(HandoffListener.bind(deep, group, HandoffLimits.defaults(), acceptor));
        assertThat(cause).isInstanceOf(HandoffException.class).hasMessageContaining("Unix sockets allow at most");
    }

    private void assertGoodHandoff() throws Exception {
        IncomingHandoff incoming = connect();
        HandoffSession session = acceptor.nextSession();
        CompletableFuture<Void> acked = incoming.ready("v", Duration.ZERO);
        await(session.outcome());
        session.acknowledgeReady();
        await(acked);
    }
}
