package dev.zentinel.handoff;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds of one handoff connection.
 *
 * @param maxFrameBytes largest frame (header + payload) either side accepts; also bounds the state snapshot
 * @param maxListeners  largest listener table (and so the number of descriptors passed)
 * @param ioTimeout     longest wait for any single protocol step (connect, each expected message)
 */
public record HandoffLimits(int maxFrameBytes, int maxListeners, Duration ioTimeout) {

    public static final int DEFAULT_MAX_FRAME_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_LISTENERS = 256;
    public static final Duration DEFAULT_IO_TIMEOUT = Duration.ofSeconds(10);

    /** Smallest frame limit that still fits a HELLO, an OFFER of a few listeners and a small snapshot. */
    public static final int MIN_FRAME_BYTES = 4096;
    /** Hard ceiling; the frame length field could express more but nothing here needs it. */
    public static final int MAX_FRAME_BYTES = 64 << 20;
    public static final int MAX_LISTENERS = 4096;

    public HandoffLimits {
        Objects.requireNonNull(ioTimeout, "ioTimeout");
        if (maxFrameBytes < MIN_FRAME_BYTES || maxFrameBytes > MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes must be in " + MIN_FRAME_BYTES + ".." + MAX_FRAME_BYTES + ", got " + maxFrameBytes);
        }
        if (maxListeners < 1 || maxListeners > MAX_LISTENERS) {
            throw new IllegalArgumentException("maxListeners must be in 1.." + MAX_LISTENERS + ", got " + maxListeners);
        }
        if (ioTimeout.isNegative() || ioTimeout.isZero()) {
            throw new IllegalArgumentException("ioTimeout must be positive, got " + ioTimeout);
        }
    }

    public static HandoffLimits defaults() {
        return new HandoffLimits(DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_LISTENERS, DEFAULT_IO_TIMEOUT);
    }

    public HandoffLimits withIoTimeout(Duration timeout) {
        return new HandoffLimits(maxFrameBytes, maxListeners, timeout);
    }

    public HandoffLimits withMaxFrameBytes(int bytes) {
        return new HandoffLimits(bytes, maxListeners, ioTimeout);
    }

    public HandoffLimits withMaxListeners(int count) {
        return new HandoffLimits(maxFrameBytes, count, ioTimeout);
    }
}
