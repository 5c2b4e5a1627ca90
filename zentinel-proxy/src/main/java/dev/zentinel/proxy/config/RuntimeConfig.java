package dev.zentinel.proxy.config;

import java.nio.file.Path;

/** Where the control socket, handoff socket and pid file live (a private 0700 directory). */
public record RuntimeConfig(Path directory) {

    public static final Path DEFAULT_DIRECTORY = Path.of("/run/zentinel");
}
