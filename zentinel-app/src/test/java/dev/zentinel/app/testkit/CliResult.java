package dev.zentinel.app.testkit;

/** What one `zentinel ...` invocation left behind. */
public record CliResult(int exitCode, String stdout, String stderr) {

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
}
