package dev.zentinel.app.cli;

import dev.zentinel.proxy.config.ConfigException;
import dev.zentinel.proxy.config.ConfigLoader;
import dev.zentinel.proxy.config.ProxyConfig;
import java.nio.file.Path;

/** Loads the configuration a command was pointed at, or the embedded default. */
final class ConfigFiles {

    private ConfigFiles() {
    }

    /** The validated config in {@code file}, or the embedded default when {@code file} is null. */
    static ProxyConfig loadOrDefault(Path file) throws ConfigException {
        return file == null ? ConfigLoader.embeddedDefault() : load(file);
    }

    /** The validated config; an unreadable file is reported like any other config problem. */
    static ProxyConfig load(Path file) throws ConfigException {
        return ConfigLoader.load(file);
    }
}
