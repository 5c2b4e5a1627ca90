package dev.zentinel.proxy.admin;

import dev.zentinel.proxy.config.HostPort;
import dev.zentinel.proxy.metrics.ProxyMetrics;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Drives the admin endpoint over real sockets with the JDK's HTTP client. */
class AdminServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private EventLoopGroup group;
    private Class<? extends ServerChannel> channelClass;
    private ProxyMetrics metrics;
    private AdminServer server;
    private URI base;
    private final AtomicInteger statusCalls = new AtomicInteger();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    @BeforeEach
    void start() throws Exception {
        if (Epoll.isAvailable()) {
            group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
            channelClass = EpollServerSocketChannel.class;
        } else {
            group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            channelClass = NioServerSocketChannel.class;
        }
        metrics = new ProxyMetrics();
        server = new AdminServer(new HostPort("127.0.0.1", 0),
                () -> "{\"pid\":1,\"calls\":" + statusCalls.incrementAndGet() + "}", metrics, group, channelClass);
        InetSocketAddress bound = server.start().get(30, TimeUnit.SECONDS);
        assertThat(bound.getAddress().isLoopbackAddress()).isTrue();
        assertThat(bound.getPort()).isPositive();
        base = URI.create("http://127.0.0.1:" + bound.getPort());
    }

    @AfterEach
    void stop() {
        server.close();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void statusServesTheSuppliedJsonFreshEachTime() throws Exception {
        HttpResponse<String> first = send("GET", "/status");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(first.body()).isEqualTo("{\"pid\":1,\"calls\":1}");
        assertThat(send("GET", "/status").body()).isEqualTo("{\"pid\":1,\"calls\":2}");
    }

    @Test
    void metricsServesThePrometheusTextFormat() throws Exception {
        metrics.requestCompleted("api", 200, 1_000_000);
        HttpResponse<String> response = send("GET", "/metrics?debug=1");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body()).contains("zentinel_requests_total{route=\"api\",status=\"200\"} 1.0");
    }

    @Test
    void indexListsTheEndpoints() throws Exception {
        HttpResponse<String> response = send("GET", "/");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("/status").contains("/metrics");
    }

    @Test
    void unknownPathsAre404() throws Exception {
        assertThat(send("GET", "/nope").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/status/").statusCode()).isEqualTo(404);
        assertThat(send("DELETE", "/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void otherMethodsAre405WithAllow() throws Exception {
        for (String method : new String[] {"POST", "PUT", "DELETE"}) {
            HttpResponse<String> response = send(method, "/status");
            assertThat(response.statusCode()).isEqualTo(405);
            assertThat(response.headers().firstValue("allow")).hasValue("GET");
        }
        assertThat(statusCalls.get()).isZero();
    }

    @Test
    void keepAliveConnectionServesSeveralRequests() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", base.getPort())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET /status HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String all = new String(readAll(socket.getInputStream()), StandardCharsets.UTF_8);
            assertThat(all.split("HTTP/1.1 200 OK", -1)).hasSize(3);
            assertThat(all).contains("{\"pid\":1,\"calls\":1}").contains("Zentinel admin");
        }
    }

    @Test
    void malformedRequestGets400AndIsClosed() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", base.getPort())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            socket.getOutputStream().write("GET /status HTTP/1.1\r\nBad Header\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String response = new String(readAll(socket.getInputStream()), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 400");
        }
    }

    @Test
    void oversizedBodyIsRefused() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/status")).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(AdminServer.MAX_REQUEST_BODY_BYTES + 1))).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void closeStopsListening() {
        server.close();
        assertThatThrownBy(() -> new Socket("127.0.0.1", base.getPort()).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void bindConflictFailsTheStartFuture() {
        AdminServer second = new AdminServer(new HostPort("127.0.0.1", base.getPort()), () -> "{}", metrics, group,
                channelClass);
        try {
            assertThatThrownBy(() -> second.start().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IOException.class);
        } finally {
            second.close();
        }
    }

    @Test
    void failingStatusSupplierGives500() throws Exception {
        server.close();
        server = new AdminServer(new HostPort("127.0.0.1", 0), () -> {
            throw new IllegalStateException("boom");
        }, metrics, group, channelClass);
        int port = server.start().get(30, TimeUnit.SECONDS).getPort();
        base = URI.create("http://127.0.0.1:" + port);
        assertThat(send("GET", "/status").statusCode()).isEqualTo(500);
        assertThat(send("GET", "/metrics").statusCode()).isEqualTo(200);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }
}
