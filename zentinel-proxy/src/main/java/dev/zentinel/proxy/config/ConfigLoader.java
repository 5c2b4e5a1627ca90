package dev.zentinel.proxy.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads and validates the YAML configuration. Every problem found is reported with its
 * location; nothing falls back silently to a default when a value is wrong.
 */
public final class ConfigLoader {

    /** Larger files are certainly not configs; refuse before reading them into memory. */
    static final long MAX_FILE_BYTES = 4L * 1024 * 1024;
    static final String EMBEDDED_DEFAULT_RESOURCE = "default.yaml";
    static final String EMBEDDED_DEFAULT_SOURCE = "<embedded default.yaml>";

    private ConfigLoader() {
    }

    /** Reads and validates a config file; problems name the file as given. */
    public static ProxyConfig load(Path file) throws ConfigException {
        Objects.requireNonNull(file, "file");
        String source = file.toString();
        String yaml;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ConfigException(source + ": file is too large for a configuration (" + size + " bytes, at most "
                        + MAX_FILE_BYTES + ")");
            }
            yaml = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(source + ": not valid UTF-8");
        } catch (NoSuchFileException e) {
            throw new ConfigException(source + ": no such file");
        } catch (AccessDeniedException e) {
            throw new ConfigException(source + ": permission denied");
        } catch (IOException e) {
            throw new ConfigException(source + ": cannot read: " + e.getMessage());
        }
        return parse(yaml, source);
    }

    /** Validates config text; {@code sourceName} prefixes every problem (a file name or a description). */
    public static ProxyConfig parse(String yaml, String sourceName) throws ConfigException {
        return parse(yaml, sourceName, RuntimeDirectoryDefault.forCurrentProcess());
    }

    static ProxyConfig parse(String yaml, String sourceName, Path defaultRuntimeDirectory) throws ConfigException {
        Objects.requireNonNull(yaml, "yaml");
        Problems problems = new Problems(sourceName == null ? "<config>" : sourceName);
        YamlNode root = new YamlTreeReader(problems).read(yaml);
        ProxyConfig config = root == null ? null : new ConfigBinder(problems, defaultRuntimeDirectory).bind(root);
        problems.throwIfAny();
        if (config == null) {
            // Unreachable: the binder records a problem whenever it gives up.
            throw new ConfigException(sourceName + ": invalid configuration");
        }
        return config;
    }

    /**
     * The built-in configuration used when no file is given: listener "http" on 127.0.0.1:8080
     * answering every request with 200 "Zentinel is running", admin on 127.0.0.1:9901, access
     * log to stdout. It is validated like any file; the build's tests guarantee it is valid.
     */
    public static ProxyConfig embeddedDefault() {
        try {
            return parse(embeddedDefaultText(), EMBEDDED_DEFAULT_SOURCE);
        } catch (ConfigException e) {
            throw new IllegalStateException("the embedded default configuration is invalid:\n" + e.getMessage(), e);
        }
    }

    /** The embedded default's YAML text, e.g. for "zentinel config --print-default" style commands. */
    public static String embeddedDefaultText() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(EMBEDDED_DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + EMBEDDED_DEFAULT_RESOURCE + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the embedded default configuration", e);
        }
    }
}
