package dev.zentinel.handoff.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SocketActivationEnvironmentTest {

    private static final long PID = 4711;

    @Test
    void nothingWithoutListenPid() {
        assertThat(SocketActivation.fromEnvironment(Map.of("LISTEN_FDS", "2"), PID)).isEmpty();
        assertThat(SocketActivation.fromEnvironment(Map.of(), PID)).isEmpty();
    }

    @Test
    void nothingWhenTheFdsBelongToAnotherProcess() {
        assertThat(SocketActivation.fromEnvironment(Map.of("LISTEN_PID", "4710", "LISTEN_FDS", "2"), PID)).isEmpty();
    }

    @Test
    void nothingWithoutListenFds() {
        assertThat(SocketActivation.fromEnvironment(Map.of("LISTEN_PID", "4711"), PID)).isEmpty();
        assertThat(SocketActivation.fromEnvironment(Map.of("LISTEN_PID", "4711", "LISTEN_FDS", "0"), PID)).isEmpty();
    }

    @Test
    void fdsCountFromThreeWithTheirNames() {
        List<ActivatedSocket> sockets = SocketActivation.fromEnvironment(
                Map.of("LISTEN_PID", "4711", "LISTEN_FDS", "3", "LISTEN_FDNAMES", "http:admin:https"), PID);
        assertThat(sockets).extracting(ActivatedSocket::fdNumber).containsExactly(3, 4, 5);
        assertThat(sockets).extracting(ActivatedSocket::name).containsExactly("http", "admin", "https");
        assertThat(sockets).extracting(s -> s.fd().intValue()).containsExactly(3, 4, 5);
    }

    @Test
    void unnamedFdsAreCalledUnknown() {
        assertThat(SocketActivation.fromEnvironment(Map.of("LISTEN_PID", "4711", "LISTEN_FDS", "2"), PID))
                .extracting(ActivatedSocket::name).containsExactly("unknown", "unknown");
        assertThat(SocketActivation.fromEnvironment(
                Map.of("LISTEN_PID", "4711", "LISTEN_FDS", "3", "LISTEN_FDNAMES", "http::"), PID))
                .extracting(ActivatedSocket::name).containsExactly("http", "unknown", "unknown");
        assertThat(SocketActivation.fromEnvironment(
                Map.of("LISTEN_PID", "4711", "LISTEN_FDS", "2", "LISTEN_FDNAMES", "http"), PID))
                .extracting(ActivatedSocket::name).containsExactly("http", "unknown");
    }

    @Test
    void malformedValuesAreClearErrors() {
        assertThatThrownBy(() -> SocketActivation.fromEnvironment(Map.of("LISTEN_PID", "self", "LISTEN_FDS", "1"), PID))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LISTEN_PID").hasMessageContaining("self");
        assertThatThrownBy(() -> SocketActivation.fromEnvironment(Map.of("LISTEN_PID", "4711", "LISTEN_FDS", "-1"), PID))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LISTEN_FDS");
        assertThatThrownBy(() -> SocketActivation.fromEnvironment(Map.of("LISTEN_PID", "4711", "LISTEN_FDS", "two"), PID))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two");
        assertThatThrownBy(() -> SocketActivation.fromEnvironment(
                Map.of("LISTEN_PID", "4711", "LISTEN_FDS", "99999999999999999999"), PID))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SocketActivation.fromEnvironment(
                Map.of("LISTEN_PID", "4711", "LISTEN_FDS", "1", "LISTEN_FDNAMES", "http:admin"), PID))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LISTEN_FDNAMES");
    }

    @Test
    void theCountIsBounded() {
        assertThatThrownBy(() -> SocketActivation.fromEnvironment(Map.of("LISTEN_PID", "4711", "LISTEN_FDS", "257"), PID))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit of 256");
        assertThat(SocketActivation.fromEnvironment(Map.of("LISTEN_PID", "4711", "LISTEN_FDS", "4"), PID, 4)).hasSize(4);
        assertThatThrownBy(() -> SocketActivation.fromEnvironment(Map.of("LISTEN_PID", "4711", "LISTEN_FDS", "5"), PID, 4))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSuccessorEnvironmentDropsPerProcessVariables() {
        Map<String, String> env = Map.of("NOTIFY_SOCKET", "/run/systemd/notify", "LISTEN_PID", "1", "LISTEN_FDS", "1",
                "LISTEN_FDNAMES", "http", "WATCHDOG_USEC", "10000000", "WATCHDOG_PID", "1", "PATH", "/usr/bin");
        assertThat(SystemdEnvironment.forSuccessor(env)).containsOnlyKeys("NOTIFY_SOCKET", "WATCHDOG_USEC", "PATH");
    }
}
