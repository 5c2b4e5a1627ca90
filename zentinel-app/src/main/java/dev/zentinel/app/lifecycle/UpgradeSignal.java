package dev.zentinel.app.lifecycle;

import java.util.function.Consumer;
import sun.misc.Signal;

/**
 * SIGHUP asks for a binary upgrade with default options, like {@code zentinel upgrade}. (nginx
 * uses SIGUSR2 for this, but HotSpot reserves SIGUSR2 on Linux; SIGHUP is free to handle and is
 * what systemd's and most supervisors' "reload" sends.) The handler only hands the request over.
 */
final class UpgradeSignal {

    static final String NAME = "HUP";

    private UpgradeSignal() {
    }

    static void install(Consumer<String> onSignal) {
        Signal.handle(new Signal(NAME), signal -> onSignal.accept("SIG" + signal.getName()));
    }
}
