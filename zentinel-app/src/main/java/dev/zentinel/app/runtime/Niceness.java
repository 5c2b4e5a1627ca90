package dev.zentinel.app.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * This process's CPU niceness and whether it may be lowered again, read from Linux's /proc. An
 * unprivileged process may always raise its niceness but lower it only down to the bound its
 * RLIMIT_NICE allows, unless it is root or holds CAP_SYS_NICE: a successor that starts in the
 * background must know beforehand that it can come back to the foreground.
 */
public final class Niceness {

    static final int CAP_SYS_NICE = 23;
    /** Field 19 of /proc/PID/stat, counted from the first field after the ")" of the command name. */
    private static final int NICE_FIELD_AFTER_COMM = 19 - 3;

    private final Path procSelf;

    public Niceness(Path procSelf) {
        this.procSelf = procSelf;
    }

    public static Niceness ofThisProcess() {
        return new Niceness(Path.of("/proc/self"));
    }

    /** The niceness of this process's main thread, empty without /proc. */
    public OptionalInt current() {
        return read(procSelf.resolve("stat")).map(Niceness::parseStatNice).orElse(OptionalInt.empty());
    }

    /** The niceness of one thread of this process, empty if it is gone. */
    public OptionalInt ofThread(long tid) {
        return read(procSelf.resolve("task").resolve(Long.toString(tid)).resolve("stat"))
                .map(Niceness::parseStatNice).orElse(OptionalInt.empty());
    }

    /** The kernel's name of one thread of this process (at most 15 characters), empty if it is gone. */
    public Optional<String> threadName(long tid) {
        return read(procSelf.resolve("task").resolve(Long.toString(tid)).resolve("comm")).map(String::strip);
    }

    /** The ids of this process's threads (empty without /proc). */
    public long[] threadIds() {
        try (var entries = Files.list(procSelf.resolve("task"))) {
            return entries.map(p -> p.getFileName().toString()).filter(s -> s.chars().allMatch(Character::isDigit))
                    .mapToLong(Long::parseLong).toArray();
        } catch (IOException | UncheckedIOException e) {
            return new long[0];
        }
    }

    /** Whether this process (and a child that inherits its credentials and limits) may go back to {@code target}. */
    public boolean mayLowerTo(int target) {
        Optional<String> status = read(procSelf.resolve("status"));
        if (status.isPresent()
                && (effectiveUid(status.get()).orElse(-1) == 0 || hasCapability(status.get(), CAP_SYS_NICE))) {
            return true;
        }
        return read(procSelf.resolve("limits")).map(Niceness::niceLimit).orElse(OptionalInt.empty())
                .stream().anyMatch(limit -> 20 - limit <= target);
    }

    static OptionalInt parseStatNice(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return OptionalInt.empty();
        }
        String[] fields = stat.substring(close + 1).trim().split(" +");
        if (fields.length <= NICE_FIELD_AFTER_COMM) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(fields[NICE_FIELD_AFTER_COMM]));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    static OptionalLong effectiveUid(String status) {
        return statusLine(status, "Uid:").map(line -> {
            String[] ids = line.trim().split("\\s+");
            return ids.length >= 2 ? OptionalLong.of(Long.parseLong(ids[1])) : OptionalLong.empty();
        }).orElse(OptionalLong.empty());
    }

    static boolean hasCapability(String status, int capability) {
        return statusLine(status, "CapEff:").map(hex -> {
            try {
                return (Long.parseUnsignedLong(hex.trim(), 16) & (1L << capability)) != 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }).orElse(false);
    }

    /** The soft RLIMIT_NICE ("Max nice priority" in /proc/PID/limits); "unlimited" counts as 40. */
    static OptionalInt niceLimit(String limits) {
        for (String line : limits.split("\n")) {
            if (line.startsWith("Max nice priority")) {
                String soft = line.substring("Max nice priority".length()).trim().split("\\s+")[0];
                if (soft.equals("unlimited")) {
                    return OptionalInt.of(40);
                }
                try {
                    return OptionalInt.of(Integer.parseInt(soft));
                } catch (NumberFormatException e) {
                    return OptionalInt.empty();
                }
            }
        }
        return OptionalInt.empty();
    }

    private static Optional<String> statusLine(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key)) {
                return Optional.of(line.substring(key.length()));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
