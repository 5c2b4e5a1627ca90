package dev.zentinel.handoff;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import dev.zentinel.handoff.systemd.SystemdEnvironment;

/**
 * Starts the successor process. It shares our stdout/stderr (so its start-up is visible where
 * ours was) but not stdin, and it inherits no descriptors besides those three: the listening
 * sockets travel over the handoff socket, never by inheritance.
 */
public final class SuccessorProcess {

    private static final File DEV_NULL = new File("/dev/null");

    private SuccessorProcess() {
    }

    public static Process spawn(List<String> command, Map<String, String> extraEnv) throws IOException {
        Objects.requireNonNull(command, "command");
        if (command.isEmpty() || command.get(0) == null || command.get(0).isBlank()) {
            throw new IllegalArgumentException("successor command must name a program, got " + command);
        }
        ProcessBuilder pb = new ProcessBuilder(List.copyOf(command));
        // LISTEN_* and WATCHDOG_PID describe this process; a successor that inherited them would
        // mistake them for its own (and never ping systemd's watchdog).
        SystemdEnvironment.stripPerProcessVariables(pb.environment());
        if (extraEnv != null) {
            pb.environment().putAll(extraEnv);
        }
        pb.redirectInput(DEV_NULL.exists() ? ProcessBuilder.Redirect.from(DEV_NULL) : ProcessBuilder.Redirect.PIPE);
        pb.redirectOutput(ProcessBuilder.Redirect.INHERIT);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new IOException("cannot start successor " + command + ": " + e.getMessage(), e);
        }
    }
}
