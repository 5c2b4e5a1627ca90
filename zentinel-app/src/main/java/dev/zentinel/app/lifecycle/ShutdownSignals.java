package dev.zentinel.app.lifecycle;

import java.util.List;
import java.util.function.Consumer;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT ask for a graceful stop instead of the JVM's immediate exit. The handler
 * runs on a JVM signal thread and must only hand the request over, never block.
 */
final class ShutdownSignals {

    static final List<String> NAMES = List.of("TERM", "INT");

    private ShutdownSignals() {
    }

    static void install(Consumer<String> onSignal) {
        for (String name : NAMES) {
            Signal.handle(new Signal(name), signal -> onSignal.accept("SIG" + signal.getName()));
        }
    }
}
