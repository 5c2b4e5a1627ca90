package dev.zentinel.app.testkit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Plain HTTP/1.1 requests to a local port (the proxy under test). */
public final class HttpProbe {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(DEFAULT_TIMEOUT)
            .build();

    public HttpResponse<String> get(int port, String path) throws Exception {
        return client.send(request(port, path), HttpResponse.BodyHandlers.ofString());
    }

    public CompletableFuture<HttpResponse<String>> getAsync(int port, String path, Duration timeout) {
        return client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(DEFAULT_TIMEOUT)
                .GET()
                .build();
    }
}
