package dev.zentinel.app.runtime;

import dev.zentinel.handoff.PrivateDirectory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Serialises fresh starts that share a runtime directory: between "nobody answers on the control
 * socket" and "our control socket is published" no second instance may slip in. Held only during
 * start-up; the kernel releases it if the process dies. The lock file itself is never deleted
 * (deleting it would let two processes lock two different inodes).
 */
public final class StartupLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private StartupLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static StartupLock acquire(Path lockFile) {
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new RuntimeDirectoryException("cannot open " + lockFile + ": " + PrivateDirectory.describe(e), e);
        }
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new RuntimeDirectoryException("another zentinel is starting with runtime directory "
                        + lockFile.getParent() + " (" + lockFile + " is locked)");
            }
            return new StartupLock(channel, lock);
        } catch (IOException | OverlappingFileLockException | RuntimeDirectoryException e) {
            closeQuietly(channel);
            if (e instanceof RuntimeDirectoryException rde) {
                throw rde;
            }
            throw new RuntimeDirectoryException("cannot lock " + lockFile + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel below releases the lock as well.
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing left to release.
        }
    }
}
