package dev.zentinel.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version this build was made from (filtered into version.properties by Maven). */
public final class ZentinelVersion {

    private static final String RESOURCE = "version.properties";

    private ZentinelVersion() {
    }

    public static String get() {
        try (InputStream in = ZentinelVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
