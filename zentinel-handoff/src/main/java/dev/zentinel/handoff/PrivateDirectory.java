package dev.zentinel.handoff;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The runtime directory: only its owner can enter it (mode 0700). The handoff rendezvous and the control socket
 * live in it: anyone who could enter it could hand a new process forged listening sockets or ask
 * the proxy to stop, so an unsafe directory is refused and left as it is, never "fixed".
 */
public final class PrivateDirectory {

    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private PrivateDirectory() {
    }

    /** {@link #ensure(Path, long)} for this process's own uid. */
    public static Path ensure(Path dir) throws IOException {
        return ensure(dir, ProcessIdentity.uid());
    }

    /**
     * Creates {@code dir} with mode 0700 if it does not exist (parents get the default mode), then
     * verifies that it is a real directory (not a symbolic link) owned by {@code ownerUid} with
     * mode exactly 0700. Returns it as an absolute path; otherwise the IOException's message says
     * what is wrong and how to fix it.
     */
    public static Path ensure(Path dir, long ownerUid) throws IOException {
        Path absolute = dir.toAbsolutePath().normalize();
        if (!Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
            create(absolute);
        }
        PosixFileAttributes attributes;
        long uid;
        try {
            attributes = Files.readAttributes(absolute, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            uid = ((Number) Files.getAttribute(absolute, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
        } catch (IOException e) {
            throw new IOException("runtime directory " + absolute + " cannot be read: " + describe(e), e);
        }
        Optional<String> problem = problem(absolute, attributes.isDirectory(), attributes.isSymbolicLink(), uid,
                attributes.permissions(), ownerUid);
        if (problem.isPresent()) {
            throw new IOException(problem.get());
        }
        return absolute;
    }

    /** The reason a directory with these properties is unsafe, or empty if it is private to {@code ownerUid}. */
    static Optional<String> problem(Path dir, boolean isDirectory, boolean isSymbolicLink, long uid,
            Set<PosixFilePermission> permissions, long ownerUid) {
        if (isSymbolicLink) {
            return Optional.of("runtime directory " + dir + " is a symbolic link; configure the real directory instead");
        }
        if (!isDirectory) {
            return Optional.of("runtime directory " + dir + " exists but is not a directory");
        }
        if (uid != ownerUid) {
            return Optional.of("runtime directory " + dir + " is owned by uid " + uid + ", not by this user (uid "
                    + ownerUid + "); use a directory of your own");
        }
        if (!permissions.equals(OWNER_ONLY)) {
            return Optional.of("runtime directory " + dir + " has mode " + octal(permissions)
                    + "; it must be 0700 (run: chmod 700 " + dir + ")");
        }
        return Optional.empty();
    }

    private static void create(Path dir) throws IOException {
        try {
            Path parent = dir.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.createDirectory(dir);
            // The umask may have removed owner bits; it can never have added group/other bits.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (FileAlreadyExistsException e) {
            // Created concurrently by someone else: the checks decide whether it is acceptable.
        } catch (AccessDeniedException e) {
            throw new IOException("cannot create runtime directory " + dir + ": permission denied (set runtime.directory to a directory you may create)", e);
        } catch (IOException e) {
            throw new IOException("cannot create runtime directory " + dir + ": " + describe(e), e);
        }
    }

    static String octal(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= 1 << (8 - p.ordinal());
        }
        return String.format("0%03o", mode);
    }

    /** An IOException as an operator can read it: its kind (the JDK often puts only a path in the message) and message. */
    public static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : " " + message);
    }
}
