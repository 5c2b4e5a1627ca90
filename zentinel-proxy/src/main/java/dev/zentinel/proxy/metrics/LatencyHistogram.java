package dev.zentinel.proxy.metrics;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A classic Prometheus histogram of durations with one label, kept in striped adders.
 *
 * <p>Why not the client's {@code Histogram}: every observation there increments one shared
 * {@code AtomicLong} per series (its scrape buffer), which all event loops contend on, and it
 * allocates until the JIT has optimised it. Here an observation is a bucket search over a
 * handful of longs and two {@link LongAdder} increments; a scrape sums the adders. A scrape
 * racing with observations may see a bucket incremented before the sum; the count is derived
 * from the buckets, so count and +Inf bucket always agree.
 */
final class LatencyHistogram implements Collector {

    private final MetricMetadata metadata;
    private final String labelName;
    private final double[] upperBoundsSeconds;
    private final long[] upperBoundsNanos;
    private final Map<String, Series> series = new ConcurrentHashMap<>();

    /**
     * @param upperBoundsSeconds increasing finite bucket bounds; the +Inf bucket is added
     */
    LatencyHistogram(String name, String help, String labelName, double[] upperBoundsSeconds) {
        this.metadata = new MetricMetadata(name, help);
        this.labelName = labelName;
        for (int i = 1; i < upperBoundsSeconds.length; i++) {
            if (!(upperBoundsSeconds[i] > upperBoundsSeconds[i - 1])) {
                throw new IllegalArgumentException("bucket bounds must increase: " + Arrays.toString(upperBoundsSeconds));
            }
        }
        this.upperBoundsSeconds = Arrays.copyOf(upperBoundsSeconds, upperBoundsSeconds.length + 1);
        this.upperBoundsSeconds[upperBoundsSeconds.length] = Double.POSITIVE_INFINITY;
        this.upperBoundsNanos = new long[upperBoundsSeconds.length];
        for (int i = 0; i < upperBoundsSeconds.length; i++) {
            upperBoundsNanos[i] = Math.round(upperBoundsSeconds[i] * 1e9);
        }
    }

    /** The series for a label value; callers cache it (creating it is the slow path). */
    Series series(String labelValue) {
        return series.computeIfAbsent(labelValue, v -> new Series(upperBoundsSeconds.length));
    }

    @Override
    public HistogramSnapshot collect() {
        List<HistogramSnapshot.HistogramDataPointSnapshot> points = new ArrayList<>(series.size());
        series.forEach((value, s) -> points.add(s.snapshot(upperBoundsSeconds, Labels.of(labelName, value))));
        return new HistogramSnapshot(metadata, points);
    }

    @Override
    public String getPrometheusName() {
        return metadata.getPrometheusName();
    }

    /** One label value's buckets. */
    final class Series {
        private final LongAdder[] buckets;
        private final LongAdder sumNanos = new LongAdder();

        private Series(int bucketCount) {
            buckets = new LongAdder[bucketCount];
            for (int i = 0; i < bucketCount; i++) {
                buckets[i] = new LongAdder();
            }
        }

        /** Records one duration; negative values (clock oddities) count as zero. */
        void observe(long nanos) {
            long n = Math.max(0, nanos);
            long[] bounds = upperBoundsNanos;
            int i = 0;
            while (i < bounds.length && n > bounds[i]) {
                i++;
            }
            buckets[i].increment();
            sumNanos.add(n);
        }

        private HistogramSnapshot.HistogramDataPointSnapshot snapshot(double[] bounds, Labels labels) {
            long[] counts = new long[buckets.length];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = buckets[i].sum();
            }
            return new HistogramSnapshot.HistogramDataPointSnapshot(ClassicHistogramBuckets.of(bounds, counts),
                    sumNanos.sum() / 1e9, labels, Exemplars.EMPTY, 0L);
        }
    }
}
