package dev.zentinel.app.lifecycle;

import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGHUP asks for a binary upgrade with default options, like {@code zentinel upgrade}. (nginx
 * uses SIGUSR2 for this, but HotSpot reserves SIGUSR2 on Linux; SIGHUP is free to handle and is
 * what systemd's and most supervisors' "reload" sends.) The handler only hands the request over.
 *
 * <p>A process that inherits SIGHUP as ignored (started under {@code nohup}) keeps it ignored:
 * HotSpot does not install a handler then, and the kernel discards the signal. That is reported
 * rather than hidden, so that an operator's {@code kill -HUP} is not silently lost.
 */
final class UpgradeSignal {

    static final String NAME = "HUP";

    private UpgradeSignal() {
    }

    /** Returns false when the signal was inherited as ignored, so that nothing was installed. */
    static boolean install(Consumer<String> onSignal) {
        SignalHandler previous = Signal.handle(new Signal(NAME), signal -> onSignal.accept("SIG" + signal.getName()));
        return previous != SignalHandler.SIG_IGN;
    }
}
