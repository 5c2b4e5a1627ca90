package dev.zentinel.proxy.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the config's textual value formats. They throw IllegalArgumentException with an operator-facing message. */
public final class ConfigValues {

    /** Upper bound of every configured duration: anything longer is a typo, not a timeout. */
    public static final Duration MAX_DURATION = Duration.ofHours(24);

    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h)");
    /** Zero needs no unit: "0" is unambiguous. */
    private static final Pattern ZERO = Pattern.compile("0+(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*(B|KiB|MiB|GiB|TiB)?");

    private ConfigValues() {
    }

    /** "250ms", "2s", "1m", "1h": a whole number and a unit; positive and at most {@link #MAX_DURATION}. */
    public static Duration parseDuration(String text) {
        Duration d = parseDurationOrZero(text);
        if (d.isZero()) {
            throw new IllegalArgumentException("duration must be positive, got '" + text + "'");
        }
        return d;
    }

    /** "0", "0s", "00ms", ...: zero, which needs no unit. */
    static boolean isZeroDuration(String text) {
        return ZERO.matcher(text.strip()).matches();
    }

    /** {@link #parseDuration}, also accepting zero ("0", "0s", "0ms", ...) for settings where 0 means "none". */
    public static Duration parseDurationOrZero(String text) {
        if (isZeroDuration(text)) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: use a whole number with ms, s, m or h (e.g. 250ms, 2s, 1m)");
        }
        long amount = Long.parseLong(m.group(1));
        Duration d;
        switch (m.group(2)) {
            case "ms":
                d = Duration.ofMillis(amount);
                break;
            case "s":
                d = Duration.ofSeconds(amount);
                break;
            case "m":
                d = Duration.ofMinutes(amount);
                break;
            default:
                d = Duration.ofHours(amount);
                break;
        }
        if (d.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("duration must be at most 24h, got '" + text + "'");
        }
        return d;
    }

    /** A byte count: "16384", "16KiB", "10MiB", "1GiB" (binary units; "B" optional). */
    public static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size: use bytes or a whole number with KiB, MiB, GiB or TiB (e.g. 16KiB)");
        }
        long amount;
        try {
            amount = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size '" + text + "' is too large");
        }
        int shift = m.group(2) == null ? 0 : switch (m.group(2)) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            case "GiB" -> 30;
            case "TiB" -> 40;
            default -> 0;
        };
        if (amount > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("size '" + text + "' is too large");
        }
        return amount << shift;
    }

    /** Renders a duration the way the config writes it (for messages and docs). */
    public static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
