package dev.zentinel.app.runtime;

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
 * A directory only this user can enter (mode 0700, owned by us). The control socket and the
 * handoff rendezvous live in it: anyone who could enter it could ask the proxy to stop or hand a
 * new process forged listening sockets, so an unsafe directory is refused, never "fixed".
 */
public final class PrivateDirectory {

    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private PrivateDirectory() {
    }

    /**
     * Creates {@code dir} with mode 0700 if it does not exist (parents with default modes), then
     * verifies it. Returns the directory as an absolute path.
     */
    public static Path ensure(Path dir, long ownerUid) {
        Path absolute = dir.toAbsolutePath().normalize();
        if (!Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
            create(absolute);
        }
        verify(absolute, ownerUid);
        return absolute;
    }

    /** Throws {@link RuntimeDirectoryException} unless {@code dir} is a private directory of {@code ownerUid}. */
    public static void verify(Path dir, long ownerUid) {
        PosixFileAttributes attributes;
        long uid;
        try {
            attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            uid = ((Number) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
        } catch (IOException e) {
            throw new RuntimeDirectoryException("runtime directory " + dir + " cannot be read: " + describe(e), e);
        }
        problem(dir, attributes.isDirectory(), attributes.isSymbolicLink(), uid, attributes.permissions(), ownerUid)
                .ifPresent(message -> {
                    throw new RuntimeDirectoryException(message);
                });
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

    private static void create(Path dir) {
        try {
            Path parent = dir.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            // The umask may have removed owner bits; it can never have added group/other bits.
            Files.setPosixFilePermissions(dir, OWNER_ONLY);
        } catch (FileAlreadyExistsException e) {
            // Created concurrently by someone else: verify() decides whether it is acceptable.
        } catch (AccessDeniedException e) {
            throw new RuntimeDirectoryException("cannot create runtime directory " + dir
                    + ": permission denied (set runtime.directory to a directory you may create)", e);
        } catch (IOException e) {
            throw new RuntimeDirectoryException("cannot create runtime directory " + dir + ": " + describe(e), e);
        }
    }

    static String octal(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= 1 << (8 - p.ordinal());
        }
        return String.format("0%03o", mode);
    }

    static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : " " + message);
    }
}
