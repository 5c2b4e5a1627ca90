package dev.zentinel.proxy.config;

import java.nio.file.Path;

/**
 * Where the runtime directory goes when the config does not say: {@code /run/zentinel} for
 * root (the systemd convention), the user's {@code $XDG_RUNTIME_DIR/zentinel} otherwise, and
 * a per-user directory under the JVM's temp directory as the last resort.
 */
final class RuntimeDirectoryDefault {

    private RuntimeDirectoryDefault() {
    }

    static Path forCurrentProcess() {
        return choose(isRoot(), System.getenv("XDG_RUNTIME_DIR"), System.getProperty("java.io.tmpdir"),
                System.getProperty("user.name"));
    }

    static Path choose(boolean root, String xdgRuntimeDir, String tmpDir, String userName) {
        if (root) {
            return RuntimeConfig.DEFAULT_DIRECTORY;
        }
        if (xdgRuntimeDir != null && !xdgRuntimeDir.isBlank() && Path.of(xdgRuntimeDir).isAbsolute()) {
            return Path.of(xdgRuntimeDir, "zentinel");
        }
        String user = userName == null || userName.isBlank() ? "unknown" : userName.replaceAll("[^A-Za-z0-9_.-]", "_");
        return Path.of(tmpDir == null ? "/tmp" : tmpDir, "zentinel-" + user);
    }

    private static boolean isRoot() {
        try {
            return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        } catch (LinkageError | RuntimeException e) {
            // Not a Unix JVM or the module is absent: fall back to the name.
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
