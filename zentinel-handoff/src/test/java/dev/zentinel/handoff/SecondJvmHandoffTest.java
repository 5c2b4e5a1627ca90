package dev.zentinel.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.Channel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The handoff between two real JVM processes, including one on another JDK when available. */
class SecondJvmHandoffTest extends HandoffTestSupport {

    static Stream<String> javaHomes() {
        List<String> homes = new ArrayList<>();
        homes.add(System.getProperty("java.home"));
        String other = System.getenv("ZENTINEL_TEST_JDK25");
        if (other == null && Files.isExecutable(Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"))) {
            other = "/usr/lib/jvm/temurin-25-jdk-amd64";
        }
        // Always listed so a missing second JDK shows up as a skipped case, not as silence.
        homes.add(other == null ? "absent" : other);
        return homes.stream();
    }

    @ParameterizedTest(name = "successor on {0}")
    @MethodSource("javaHomes")
    void aSuccessorProcessTakesOverTheListenerAndReportsReady(String javaHome) throws Exception {
        assumeTrue(!javaHome.equals("absent"), "no second JDK (set ZENTINEL_TEST_JDK25) for the cross-JDK case");
        Channel old = oldTcpListener();
        int port = TcpListeners.port(old);
        TestAcceptor acceptor = new TestAcceptor(peer -> new HandoffOffer(3, List.of(inherited("main", old)),
                new StateSnapshot(3, Map.of("requests_total", 10.0), Map.of()), Duration.ofSeconds(60)));
        listen(acceptor);

        Process child = SuccessorProcess.spawn(javaCommand(javaHome, SuccessorMain.class, socketPath().toString(), "child-1.0"),
                Map.of("ZENTINEL_TEST_CHILD", "1"));
        toClose.add(() -> stop(child));

        HandoffSession session = acceptor.nextSession();
        assertThat(session.peer().pid()).isEqualTo(child.pid());
        ReadyReport report = await(session.outcome());
        assertThat(report.pid()).isEqualTo(child.pid());
        assertThat(report.version()).isEqualTo("child-1.0");

        // The old process stops accepting: it closes its own copy only.
        old.close().sync();
        session.acknowledgeReady();
        for (int i = 0; i < 3; i++) {
            assertThat(TcpListeners.greetingAt(port)).isEqualTo("successor " + child.pid());
        }
        assertThat(child.isAlive()).isTrue();
    }

    @org.junit.jupiter.api.Test
    void theSuccessorKeepsServingWhenThePredecessorIsKilledAfterSendingTheDescriptors() throws Exception {
        PrivateDirectory.ensure(socketPath().getParent());
        ProcessBuilder pb = new ProcessBuilder(javaCommand(System.getProperty("java.home"), PredecessorMain.class, socketPath().toString()));
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process predecessor = pb.start();
        toClose.add(() -> stop(predecessor));
        String line = new BufferedReader(new InputStreamReader(predecessor.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        assertThat(line).startsWith("PORT ");
        int port = Integer.parseInt(line.substring(5).trim());
        assertThat(TcpListeners.greetingAt(port)).isEqualTo("predecessor");

        IncomingHandoff incoming = connect();
        assertThat(incoming.predecessor().pid()).isEqualTo(predecessor.pid());
        assertThat(incoming.generation()).isEqualTo(11);
        assertThat(incoming.snapshot().counters()).containsEntry("requests_total", 5.0);

        predecessor.destroyForcibly();
        assertThat(predecessor.waitFor(60, TimeUnit.SECONDS)).isTrue();
        await(incoming.closed());

        InheritedListener l = incoming.listeners().get(0);
        Channel adopted = TcpListeners.register(group, ListenerAdopter.adopt(l.fd(), l.entry()), "survivor");
        toClose.add(() -> adopted.close().syncUninterruptibly());
        CompletableFuture<Void> ready = incoming.ready("survivor", Duration.ZERO);
        assertThat(failureOf(ready)).isInstanceOf(PredecessorGoneException.class);
        assertThat(TcpListeners.greetingAt(port)).isEqualTo("survivor");
    }

    private static List<String> javaCommand(String javaHome, Class<?> main, String... args) {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(javaHome, "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classpath, main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroyForcibly();
        p.waitFor(60, TimeUnit.SECONDS);
    }
}
