package dev.zentinel.proxy.accesslog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zentinel.proxy.config.AccessLogConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccessLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static AccessRecord record(String uri) {
        return new AccessRecord(1_700_000_000_123L, "192.0.2.1", "GET", uri, "example.com", 200, 12, 3456, 789,
                "api", "127.0.0.1:9000", "http");
    }

    @Test
    void writesOneJsonObjectPerLineToTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        try (AccessLog log = AccessLog.create(new AccessLogConfig(true, file.toString(), 100))) {
            log.log(record("/a"));
            log.log(new AccessRecord(0, null, "POST", "/b", null, 404, 0, 0, 5, null, null, "http"));
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(2);

        JsonNode first = JSON.readTree(lines.get(0));
        assertThat(first.get("time").asText()).isEqualTo("2023-11-14T22:13:20.123Z");
        assertThat(first.get("client").asText()).isEqualTo("192.0.2.1");
        assertThat(first.get("method").asText()).isEqualTo("GET");
        assertThat(first.get("uri").asText()).isEqualTo("/a");
        assertThat(first.get("host").asText()).isEqualTo("example.com");
        assertThat(first.get("status").asInt()).isEqualTo(200);
        assertThat(first.get("bytes_in").asLong()).isEqualTo(12);
        assertThat(first.get("bytes_out").asLong()).isEqualTo(3456);
        assertThat(first.get("duration_us").asLong()).isEqualTo(789);
        assertThat(first.get("route").asText()).isEqualTo("api");
        assertThat(first.get("upstream").asText()).isEqualTo("127.0.0.1:9000");
        assertThat(first.get("listener").asText()).isEqualTo("http");

        JsonNode second = JSON.readTree(lines.get(1));
        assertThat(second.get("route").isNull()).isTrue();
        assertThat(second.get("host").isNull()).isTrue();
        assertThat(second.get("status").asInt()).isEqualTo(404);
    }

    @Test
    void appendsToAnExistingFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        Files.writeString(file, "{\"earlier\":true}\n");
        try (AccessLog log = AccessLog.create(new AccessLogConfig(true, file.toString(), 10))) {
            log.log(record("/x"));
        }
        assertThat(Files.readAllLines(file)).hasSize(2).first().isEqualTo("{\"earlier\":true}");
    }

    @Test
    void hostileStringsStayInsideTheirJsonString() throws Exception {
        String uri = "/a\"b\\c\nd\re\tf\u0000g\u001fh\u007fi\u2028j/é/💥";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AccessLog log = AccessLog.toStream(out, 10);
        log.log(record(uri));
        log.close();

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        assertThat(text.lines()).hasSize(1);
        assertThat(text).doesNotContain("\u2028").doesNotContain("\u0000");
        assertThat(JSON.readTree(text).get("uri").asText()).isEqualTo(uri);
    }

    @Test
    void fullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        OutputStream blocking = new OutputStream() {
            @Override
            public void write(int b) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                writing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    // close() interrupts the writer; keep writing what we have.
                }
                written.write(b, off, len);
            }
        };
        AccessLog log = AccessLog.toStream(blocking, 2);
        log.log(record("/1"));
        assertThat(writing.await(30, TimeUnit.SECONDS)).isTrue();
        // The writer is stuck in write(): the queue takes two more, then drops.
        log.log(record("/2"));
        log.log(record("/3"));
        log.log(record("/4"));
        log.log(record("/5"));
        assertThat(log.dropped()).isEqualTo(2);

        release.countDown();
        assertThat(log.close(Duration.ofSeconds(30))).isTrue();
        assertThat(written.toString(StandardCharsets.UTF_8).lines())
                .extracting(line -> JSON.readTree(line).get("uri").asText())
                .containsExactly("/1", "/2", "/3");
    }

    @Test
    void closeFlushesEverythingQueued() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AccessLog log = AccessLog.toStream(out, 20_000);
        for (int i = 0; i < 10_000; i++) {
            log.log(record("/" + i));
        }
        assertThat(log.close(Duration.ofSeconds(60))).isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).hasSize(10_000);
        assertThat(log.dropped()).isZero();
    }

    @Test
    void recordsAfterCloseAreDroppedAndCounted() {
        AccessLog log = AccessLog.toStream(new ByteArrayOutputStream(), 10);
        log.close();
        log.log(record("/late"));
        assertThat(log.dropped()).isEqualTo(1);
    }

    @Test
    void closeGivesUpOnAStuckWriter() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        OutputStream stuck = new OutputStream() {
            @Override
            public void write(int b) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writing.countDown();
                // Ignores interrupts, like a write to a wedged disk.
                boolean done = false;
                while (!done) {
                    try {
                        done = never.await(1, TimeUnit.HOURS);
                    } catch (InterruptedException e) {
                        // keep waiting
                    }
                }
            }
        };
        AccessLog log = AccessLog.toStream(stuck, 10);
        log.log(record("/stuck"));
        assertThat(writing.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(log.close(Duration.ofMillis(100))).isFalse();
        never.countDown();
    }

    @Test
    void disabledLogIsANoOp() {
        AccessLog log = AccessLog.create(new AccessLogConfig(false, "/nonexistent/dir/access.log", 1));
        assertThat(log.enabled()).isFalse();
        log.log(record("/"));
        assertThat(log.dropped()).isZero();
        log.close();
    }

    @Test
    void unwritablePathFailsAtCreation(@TempDir Path dir) {
        String path = dir.resolve("missing-dir").resolve("access.log").toString();
        assertThatThrownBy(() -> AccessLog.create(new AccessLogConfig(true, path, 10)))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(path);
    }
}
