package dev.zentinel.proxy.metrics;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-request and per-connection calls run on the event loops: once warm they must not allocate. */
class ProxyMetricsAllocationTest {

    @Test
    void hotPathAllocatesNothingOnceWarm() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        ProxyMetrics metrics = new ProxyMetrics();
        long id = Thread.currentThread().getId();
        for (int round = 0; round < 2; round++) {
            long before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < 100_000; i++) {
                metrics.requestCompleted("api", 200 + (i & 3), 1_000L * i);
                metrics.connectionOpened("http");
                metrics.connectionClosed("http");
            }
            long allocated = threads.getThreadAllocatedBytes(id) - before;
            if (round == 1) {
                assertThat(allocated).isLessThan(4096);
            }
        }
        assertThat(metrics.activeConnections()).isZero();
    }
}
