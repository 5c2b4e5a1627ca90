package dev.zentinel.app.cli;

import dev.zentinel.app.runtime.RuntimeLayout;
import dev.zentinel.proxy.config.ConfigException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Which running instance a client command talks to: the one whose config is {@code --config
 * FILE} (its runtime.directory), or the one in {@code --runtime-dir DIR} directly, which still
 * works when the config file has since been broken by an edit. Neither: the embedded default's.
 */
final class RuntimeTarget {

    @Option(names = "--config", paramLabel = "FILE", description = "Config of the running instance.")
    Path config;

    @Option(names = "--runtime-dir", paramLabel = "DIR",
            description = "Runtime directory of the running instance (instead of --config).")
    Path runtimeDirectory;

    /** The layout for an optional target group (null when neither option was given). */
    static RuntimeLayout resolve(RuntimeTarget target) throws ConfigException {
        if (target != null && target.runtimeDirectory != null) {
            return new RuntimeLayout(target.runtimeDirectory);
        }
        Path config = target == null ? null : target.config;
        return new RuntimeLayout(ConfigFiles.loadOrDefault(config).runtime().directory());
    }
}
