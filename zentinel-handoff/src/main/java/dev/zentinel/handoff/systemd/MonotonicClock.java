package dev.zentinel.handoff.systemd;

/**
 * CLOCK_MONOTONIC in microseconds, as systemd expects in {@code MONOTONIC_USEC=}.
 *
 * <p>Choice: {@link System#nanoTime()}. The Java specification only promises an arbitrary origin,
 * but HotSpot on Linux (OpenJDK 17 and 25, {@code os::javaTimeNanos} in {@code os_posix.cpp}) returns
 * {@code clock_gettime(CLOCK_MONOTONIC)} unmodified, with no per-JVM offset. Other JVMs are not covered
 * by that statement; {@code MonotonicClockTest} checks the claim on the machine and JVM it runs on
 * against an independent reader of CLOCK_MONOTONIC. The alternatives are worse: the
 * {@code /proc/uptime} clock is CLOCK_BOOTTIME (it includes suspended time) with 10 ms resolution,
 * Netty's native library exposes no clock_gettime, and the FFM API is not final on Java 17.
 *
 * <p>Tolerance: systemd (253 and later) uses MONOTONIC_USEC only for {@code Type=notify-reload}, where it
 * ignores a RELOADING=1 whose timestamp predates the reload request it sent. Zentinel's unit uses
 * {@code Type=notify} with {@code ExecReload=}, where the value is informational; systemd 252 ignores it.
 */
final class MonotonicClock {

    private MonotonicClock() {
    }

    static long microseconds() {
        return System.nanoTime() / 1_000L;
    }
}
