package dev.zentinel.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zentinel.proxy.config.LimitsConfig;
import dev.zentinel.proxy.server.ProxyFixture;
import dev.zentinel.proxy.server.RawClient;
import dev.zentinel.proxy.server.RawResponse;
import dev.zentinel.proxy.server.TestConfigs;
import dev.zentinel.proxy.server.TestOrigin;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Large bodies stream through with backpressure: 256 MiB each way (1 GiB was tried by hand, see
 * docs/proxy.md), checked byte for byte (CRC32), while the proxy's buffer memory stays bounded.
 */
class StreamingTest {

    /** 256 MiB by default; {@code -Dzentinel.test.streamBytes=1073741824} for the 1 GiB run by hand. */
    private static final long SIZE = Long.getLong("zentinel.test.streamBytes", 256L << 20);
    /** Far below the body size: a proxy that buffered bodies would blow through it. */
    private static final long MAX_BUFFER_MEMORY = 64L << 20;

    private TestOrigin origin;
    private ProxyFixture proxy;
    private final AtomicLong peakDirect = new AtomicLong();
    private final AtomicBoolean sampling = new AtomicBoolean(true);
    private Thread sampler;

    @BeforeEach
    void start() throws Exception {
        origin = new TestOrigin("a");
        proxy = ProxyFixture.start(TestConfigs.builder().listener("http")
                .limits(new LimitsConfig(16384, 8192, 1L << 30, Duration.ofSeconds(10), Duration.ofSeconds(60), 4))
                .upstream("app", origin.port()).proxyRoute("app", "/", "app").build());
        ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;
        assertThat(allocator).as("the allocator must report its memory for this test").isInstanceOf(ByteBufAllocatorMetricProvider.class);
        {
            ByteBufAllocatorMetricProvider metrics = (ByteBufAllocatorMetricProvider) allocator;
            sampler = new Thread(() -> {
                while (sampling.get()) {
                    long used = metrics.metric().usedDirectMemory() + metrics.metric().usedHeapMemory();
                    peakDirect.accumulateAndGet(used, Math::max);
                    try {
                        Thread.sleep(5); // sampling interval, not synchronisation
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "memory-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        sampling.set(false);
        sampler.join();
        proxy.close();
        origin.close();
    }

    @Test
    void uploadsWithContentLength() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: " + SIZE + "\r\n\r\n");
            long crc = writePattern(client.output(), SIZE, false);
            RawResponse r = client.read();
            assertThat(r.text()).isEqualTo("bytes=" + SIZE + " crc=" + crc);
        }
        assertBoundedMemory();
    }

    @Test
    void uploadsChunked() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
            long crc = writePattern(client.output(), SIZE, true);
            RawResponse r = client.read();
            assertThat(r.text()).isEqualTo("bytes=" + SIZE + " crc=" + crc);
        }
        assertBoundedMemory();
    }

    @Test
    void downloadsWithContentLength() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("GET /download?bytes=" + SIZE + " HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(readStatusAndHeaders(client.input())).contains("content-length: " + SIZE);
            assertThat(readAndCheck(client.input(), SIZE)).isEqualTo(SIZE);
            // keep-alive survives a large body
            assertThat(client.get("/id").status()).isEqualTo(200);
        }
        assertBoundedMemory();
    }

    @Test
    void downloadsChunked() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("GET /download?chunked&bytes=" + SIZE + " HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(readStatusAndHeaders(client.input())).contains("transfer-encoding: chunked");
            long total = 0;
            InputStream in = client.input();
            while (true) {
                int size = Integer.parseInt(line(in), 16);
                if (size == 0) {
                    assertThat(line(in)).isEmpty();
                    break;
                }
                total += readAndCheck(in, size, total);
                assertThat(line(in)).isEmpty();
            }
            assertThat(total).isEqualTo(SIZE);
        }
        assertBoundedMemory();
    }

    private void assertBoundedMemory() {
        assertThat(peakDirect.get()).as("peak allocator memory").isGreaterThan(0).isLessThan(MAX_BUFFER_MEMORY);
    }

    private static long writePattern(OutputStream out, long size, boolean chunked) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[64 * 1024];
        long sent = 0;
        while (sent < size) {
            int n = (int) Math.min(buffer.length, size - sent);
            TestOrigin.Pattern.fill(buffer, sent, n);
            crc.update(buffer, 0, n);
            if (chunked) {
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.write(buffer, 0, n);
            if (chunked) {
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            sent += n;
        }
        if (chunked) {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
        return crc.getValue();
    }

    private static String readStatusAndHeaders(InputStream in) throws IOException {
        StringBuilder all = new StringBuilder();
        String line;
        while (!(line = line(in)).isEmpty()) {
            all.append(line.toLowerCase()).append('\n');
        }
        assertThat(all.toString()).startsWith("http/1.1 200");
        return all.toString();
    }

    private static long readAndCheck(InputStream in, long size) throws IOException {
        return readAndCheck(in, size, 0);
    }

    /** Reads {@code size} bytes and checks each against the pattern starting at {@code offset}. */
    private static long readAndCheck(InputStream in, long size, long offset) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long read = 0;
        while (read < size) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, size - read));
            if (n < 0) {
                throw new IOException("EOF after " + read + " of " + size);
            }
            for (int i = 0; i < n; i++) {
                if (buffer[i] != TestOrigin.Pattern.at(offset + read + i)) {
                    throw new AssertionError("byte " + (offset + read + i) + " differs");
                }
            }
            read += n;
        }
        return read;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("EOF in line");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
