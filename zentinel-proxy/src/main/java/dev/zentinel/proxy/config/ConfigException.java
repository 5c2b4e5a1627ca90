package dev.zentinel.proxy.config;

import java.util.List;

/**
 * A configuration that cannot be used. {@link #getMessage()} lists every problem found, one per
 * line, each as {@code <source>:<line>:<column>: <problem>} so editors and CI can jump to it.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", requireNonEmpty(problems)));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** Each problem as {@code <source>:<line>:<column>: <problem>}, in file order. */
    public List<String> problems() {
        return problems;
    }

    private static List<String> requireNonEmpty(List<String> problems) {
        if (problems == null || problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        return problems;
    }
}
