package dev.zentinel.proxy.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects config problems with their locations; reported sorted by position in the file. */
final class Problems {

    /** Enough to fix a file in one go without flooding the terminal. */
    static final int MAX_PROBLEMS = 100;

    private record Problem(YamlNode.Location location, int order, String text) {
    }

    private final String source;
    private final List<Problem> problems = new ArrayList<>();
    private int dropped;

    Problems(String source) {
        this.source = source;
    }

    /**
     * @param path where in the config the problem is, e.g. "listeners[0].address"; empty for none
     */
    void add(YamlNode.Location location, String path, String problem) {
        if (problems.size() >= MAX_PROBLEMS) {
            dropped++;
            return;
        }
        String text = path.isEmpty() ? problem : path + ": " + problem;
        problems.add(new Problem(location == null ? YamlNode.Location.UNKNOWN : location, problems.size(), text));
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    void throwIfAny() throws ConfigException {
        if (problems.isEmpty()) {
            return;
        }
        List<String> lines = new ArrayList<>();
        problems.stream()
                .sorted(Comparator.comparingInt((Problem p) -> p.location().line())
                        .thenComparingInt(p -> p.location().column())
                        .thenComparingInt(Problem::order))
                .forEach(p -> lines.add(source + ":" + p.location().line() + ":" + p.location().column() + ": " + p.text()));
        if (dropped > 0) {
            lines.add(source + ": " + dropped + " more problems not shown");
        }
        throw new ConfigException(lines);
    }
}
