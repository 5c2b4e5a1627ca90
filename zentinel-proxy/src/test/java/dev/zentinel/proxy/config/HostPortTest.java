package dev.zentinel.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class HostPortTest {

    @Test
    void parsesAndPrintsIpv4AndIpv6() {
        assertThat(HostPort.parse("127.0.0.1:8080")).isEqualTo(new HostPort("127.0.0.1", 8080));
        assertThat(HostPort.parse("[::1]:8080")).isEqualTo(new HostPort("::1", 8080));
        assertThat(new HostPort("::1", 8080)).hasToString("[::1]:8080");
        assertThat(new HostPort("example.com", 80)).hasToString("example.com:80");
    }

    @Test
    void aSocketAddressIsPrintedWithoutTheResolverSlash() throws Exception {
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9901);
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 9901);

        assertThat(v4.toString()).startsWith("/");
        assertThat(HostPort.of(v4)).hasToString("127.0.0.1:9901");
        assertThat(HostPort.of(v6)).hasToString("[0:0:0:0:0:0:0:1]:9901");
    }

    @Test
    void refusesAPortOutOfRange() {
        assertThatThrownBy(() -> HostPort.parse("127.0.0.1:70000")).isInstanceOf(IllegalArgumentException.class);
    }
}
