package dev.zentinel.handoff;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The runtime directory holding the handoff and control sockets. Only its owner may be able to
 * reach those sockets: another local user able to connect could hand us fake listening sockets.
 */
public final class PrivateDirectory {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PrivateDirectory() {
    }

    /**
     * Creates {@code dir} with mode 0700 if it is missing (parents get the default mode); if it
     * exists it must be a directory owned by this process's uid with no group or other permission
     * bits, else an IOException says exactly what is wrong. An existing directory is never modified.
     */
    public static void ensure(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.notExists(absolute)) {
            create(absolute);
        }
        verify(absolute);
    }

    private static void create(Path dir) throws IOException {
        Path parent = dir.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            // The umask cannot add bits, but set the mode explicitly so the result never depends on it.
            Files.setPosixFilePermissions(dir, OWNER_ONLY);
        } catch (FileAlreadyExistsException raced) {
            // Created concurrently; verify() judges whatever is there now.
        }
    }

    private static void verify(Path dir) throws IOException {
        PosixFileAttributes attrs = Files.readAttributes(dir, PosixFileAttributes.class);
        if (!attrs.isDirectory()) {
            throw new IOException(dir + " exists but is not a directory");
        }
        int ownerUid = (Integer) Files.getAttribute(dir, "unix:uid");
        int ourUid = ProcessIdentity.uid();
        if (ownerUid != ourUid) {
            throw new IOException(dir + " is owned by uid " + ownerUid + ", not by this process's uid " + ourUid
                    + "; use a directory of our own");
        }
        Set<PosixFilePermission> perms = attrs.permissions();
        Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
        open.addAll(perms);
        open.retainAll(GROUP_OR_OTHER);
        if (!open.isEmpty()) {
            throw new IOException(dir + " has mode " + PosixFilePermissions.toString(perms)
                    + " but must not grant group or other access (fix: chmod 700 " + dir + ")");
        }
        if (!perms.contains(PosixFilePermission.OWNER_WRITE) || !perms.contains(PosixFilePermission.OWNER_EXECUTE)) {
            throw new IOException(dir + " has mode " + PosixFilePermissions.toString(perms)
                    + " but its owner needs write and search permission (fix: chmod 700 " + dir + ")");
        }
    }
}
