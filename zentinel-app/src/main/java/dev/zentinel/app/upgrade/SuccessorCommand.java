package dev.zentinel.app.upgrade;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command line and environment that start a successor: the same {@code run} arguments this
 * process got, run through the launcher resolved at upgrade time (a symlinked installation that
 * was switched to a new version is followed), told where the handoff socket is and, when it
 * starts in the background, which niceness to return to.
 */
public record SuccessorCommand(List<String> command, Map<String, String> environment) {

    /** Tells a starting process to take its listeners and state from the socket at this path. */
    public static final String HANDOFF_SOCKET_ENV = "ZENTINEL_HANDOFF_SOCKET";
    /**
     * How long, in ms from its spawn, the predecessor waits for READY: the successor fits its
     * warm-up into that time rather than be killed for overrunning it.
     */
    public static final String READY_WITHIN_ENV = "ZENTINEL_READY_WITHIN_MS";
    /** The launcher reads this to choose the JVM. */
    public static final String JAVA_HOME_ENV = "ZENTINEL_JAVA_HOME";

    public static SuccessorCommand build(UpgradeRequest request, Optional<Path> defaultLauncher,
            List<String> runArguments, Path handoffSocket, Duration readinessTimeout,
            Optional<BackgroundStart> background) throws UpgradeFailedException {
        Path launcher = request.launcher().or(() -> defaultLauncher).orElseThrow(() -> new UpgradeFailedException(
                "this process was not started by the zentinel launcher; name one with --exec"));
        Path resolved;
        try {
            resolved = launcher.toRealPath();
        } catch (IOException e) {
            throw new UpgradeFailedException("launcher " + launcher + " does not exist: " + e.getMessage());
        }
        if (!Files.isRegularFile(resolved) || !Files.isExecutable(resolved)) {
            throw new UpgradeFailedException("launcher " + resolved + " is not an executable file");
        }
        Map<String, String> env = new HashMap<>();
        env.put(HANDOFF_SOCKET_ENV, handoffSocket.toString());
        env.put(READY_WITHIN_ENV, Long.toString(readinessTimeout.toMillis()));
        if (request.javaHome().isPresent()) {
            Path javaHome = request.javaHome().get();
            if (!Files.isExecutable(javaHome.resolve("bin/java"))) {
                throw new UpgradeFailedException("--java-home " + javaHome + " has no executable bin/java");
            }
            env.put(JAVA_HOME_ENV, javaHome.toString());
        }
        List<String> command = new ArrayList<>();
        background.ifPresent(b -> {
            command.addAll(b.prefix());
            env.putAll(b.environment());
        });
        command.add(resolved.toString());
        command.addAll(runArguments);
        return new SuccessorCommand(List.copyOf(command), Map.copyOf(env));
    }
}
