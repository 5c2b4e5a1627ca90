package dev.zentinel.app.runtime;

import dev.zentinel.handoff.PrivateDirectory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.OptionalLong;

/**
 * The pid file names the process currently serving. It is replaced atomically (a new generation
 * overwrites it when it takes over) and removed only by the process it names, so an old
 * generation's exit never deletes its successor's file.
 */
public final class PidFile {

    private static final int MAX_BYTES = 64;

    private final Path path;

    public PidFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    public void write(long pid) {
        Path temp = path.resolveSibling(path.getFileName() + "." + pid + ".tmp");
        try {
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
            Files.writeString(temp, pid + "\n", StandardCharsets.US_ASCII);
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new RuntimeDirectoryException("cannot write pid file " + path + ": " + PrivateDirectory.describe(e), e);
        }
    }

    /** The pid in the file, or empty if there is no file or it does not hold a pid. */
    public OptionalLong read() {
        try {
            byte[] bytes = Files.readAllBytes(path);
            if (bytes.length > MAX_BYTES) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(Long.parseLong(new String(bytes, StandardCharsets.US_ASCII).trim()));
        } catch (NoSuchFileException | NumberFormatException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            throw new RuntimeDirectoryException("cannot read pid file " + path + ": " + PrivateDirectory.describe(e), e);
        }
    }

    /** Deletes the file if it still names {@code pid}; returns whether it did. */
    public boolean removeIfOwnedBy(long pid) {
        OptionalLong current = read();
        if (current.isEmpty() || current.getAsLong() != pid) {
            return false;
        }
        try {
            return Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new RuntimeDirectoryException("cannot remove pid file " + path + ": " + PrivateDirectory.describe(e), e);
        }
    }
}
