package dev.zentinel.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.Channel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Peers of another uid, played by a python process run as "nobody" through setpriv. The socket's
 * 0600/0700 modes already keep other users out; these tests loosen them deliberately to check the
 * second line of defence, the SO_PEERCRED uid check, on both sides.
 */
class ForeignUidTest extends HandoffTestSupport {

    private static final int NOBODY = 65534;
    private static final String PYTHON = "/usr/bin/python3";
    private static final String SETPRIV = "/usr/bin/setpriv";

    @BeforeEach
    void needsRootAndTools() {
        assumeTrue(ProcessIdentity.uid() == 0, "needs root to run a peer as another uid");
        assumeTrue(Files.isExecutable(Path.of(PYTHON)) && Files.isExecutable(Path.of(SETPRIV)), "needs " + PYTHON + " and " + SETPRIV);
    }

    @Test
    void theOldSideDropsAForeignUidWithoutReadingItsHello() throws Exception {
        Channel old = oldTcpListener();
        TestAcceptor acceptor = new TestAcceptor(peer -> offerOf(1, inherited("main", old)));
        listen(acceptor);
        openUp(socketPath());

        String script = String.join("\n",
                "import socket, struct, sys",
                "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
                "s.connect(sys.argv[1])",
                "p = b'{\"pid\":1,\"version\":\"evil\",\"protocolVersions\":[1],\"snapshotVersions\":[1,2]}'",
                // The old side may close before the HELLO is even written (it drops the peer unread):
                // a broken pipe on send is the same "closed without answering" as EOF on receive.
                "s.settimeout(30)",
                "try:",
                "    s.sendall(b'ZNHO' + struct.pack('>HBBI', 1, 1, 0, len(p)) + p)",
                "    print('EOF' if s.recv(4096) == b'' else 'DATA')",
                "except (ConnectionResetError, BrokenPipeError):",
                "    print('EOF')");
        assertThat(runAsNobody(script, socketPath().toString())).isEqualTo("EOF");
        assertThat(acceptor.nextRejection()).contains("runs as uid " + NOBODY).contains("dropped unread");
        assertThat(acceptor.noSessionStarted()).isTrue();
    }

    @Test
    void theNewSideRefusesAPredecessorOfAnotherUid() throws Exception {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        openUp(tmp);
        Path socket = shared.resolve("fake.sock");
        String script = String.join("\n",
                "import socket, sys",
                "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
                "s.bind(sys.argv[1]); s.listen(1)",
                "print('LISTENING', flush=True)",
                "c, _ = s.accept()",
                "c.settimeout(30)",
                "try:",
                "    c.recv(4096)",
                "except OSError:",
                "    pass");
        Process fake = startAsNobody(script, socket.toString());
        toClose.add(() -> {
            fake.destroyForcibly();
            fake.waitFor(30, TimeUnit.SECONDS);
        });
        assertThat(new BufferedReader(new InputStreamReader(fake.getInputStream(), StandardCharsets.UTF_8)).readLine()).isEqualTo("LISTENING");

        Throwable cause = failureOf(HandoffClient.connect(socket, group, HandoffLimits.defaults(), "v"));
        assertThat(cause).isInstanceOf(HandoffException.class).hasMessageContaining("runs as uid " + NOBODY)
                .hasMessageContaining("refusing its sockets");
    }

    /** Test-only: lets another uid reach a socket that production keeps owner-only. */
    private void openUp(Path path) throws Exception {
        for (Path p = path; p != null && p.startsWith(tmp.getParent()); p = p.getParent()) {
            if (Files.isDirectory(p)) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx--x--x"));
            } else {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-rw-rw-"));
            }
        }
    }

    private static String runAsNobody(String script, String arg) throws Exception {
        Process p = startAsNobody(script, arg);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private static Process startAsNobody(String script, String arg) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(SETPRIV, "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                PYTHON, "-c", script, arg));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
