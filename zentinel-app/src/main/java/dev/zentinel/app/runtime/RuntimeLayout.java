package dev.zentinel.app.runtime;

import dev.zentinel.handoff.PrivateDirectory;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The files Zentinel keeps in its runtime directory. One place names them so that the CLI, the
 * running instance and the upgrade rendezvous agree.
 */
public record RuntimeLayout(Path directory) {

    public static final String CONTROL_SOCKET = "control.sock";
    public static final String PID_FILE = "zentinel.pid";
    public static final String STARTUP_LOCK = "startup.lock";
    public static final String HANDOFF_SOCKET = "handoff.sock";

    public RuntimeLayout {
        directory = directory.toAbsolutePath().normalize();
    }

    /**
     * The layout of {@code directory}, created with mode 0700 if missing; an existing directory
     * that is not private to {@code ownerUid} is refused (see {@link PrivateDirectory}).
     */
    public static RuntimeLayout ensure(Path directory, long ownerUid) {
        try {
            return new RuntimeLayout(PrivateDirectory.ensure(directory, ownerUid));
        } catch (IOException e) {
            throw new RuntimeDirectoryException(e.getMessage(), e);
        }
    }

    public Path controlSocket() {
        return directory.resolve(CONTROL_SOCKET);
    }

    public Path pidFile() {
        return directory.resolve(PID_FILE);
    }

    /** Where a successor (spawned, or started with --takeover) asks for the listeners and state. */
    public Path handoffSocket() {
        return directory.resolve(HANDOFF_SOCKET);
    }

    /** A process's private control socket while it warms up (see ControlPlaneWarmUp); gone once it serves. */
    public Path warmUpControlSocket(long pid) {
        return directory.resolve("warmup." + pid + ".sock");
    }

    public Path startupLock() {
        return directory.resolve(STARTUP_LOCK);
    }
}
