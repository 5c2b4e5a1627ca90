package dev.zentinel.app.lifecycle;

/** Elapsed time of a lifecycle phase, for the "... in N ms" log lines. */
final class Stopwatch {

    private final long startNanos = System.nanoTime();

    static Stopwatch start() {
        return new Stopwatch();
    }

    java.time.Duration elapsed() {
        return java.time.Duration.ofNanos(System.nanoTime() - startNanos);
    }

    long millis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
