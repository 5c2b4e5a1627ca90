package dev.zentinel.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line in-process: parsing, exit codes and messages of the commands that need no running instance. */
class CommandLineTest {

    @TempDir
    Path temp;

    private record Result(int exitCode, String out, String err) {
    }

    private static Result execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = ZentinelCommand.newCommandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    @Test
    void versionPrintsTheBuildVersion() {
        Result result = execute("version");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("zentinel 0.1.0 (java ");
    }

    @Test
    void noCommandIsAUsageError() {
        Result result = execute();

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("missing command");
    }

    @Test
    void unknownOptionsAreUsageErrorsOfTwoLines() {
        Result result = execute("status", "--no-such-option");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err().lines()).hasSize(2);
        assertThat(result.err()).contains("--no-such-option").contains("zentinel status --help");
    }

    @Test
    void configAndRuntimeDirExcludeEachOther() {
        Result result = execute("status", "--config", "a.yaml", "--runtime-dir", "/tmp/x");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void checkRequiresAConfig() {
        assertThat(execute("check").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void checkAcceptsAValidConfig() throws Exception {
        Path config = Files.writeString(temp.resolve("ok.yaml"), """
                listeners:
                  - name: http
                    address: 127.0.0.1:8080
                routes:
                  - name: all
                    respond: { status: 200, body: "ok" }
                """);

        Result result = execute("check", "--config", config.toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("configuration ok");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void checkReportsProblemsWithFileLineAndColumn() throws Exception {
        Path config = Files.writeString(temp.resolve("bad.yaml"), """
                listeners:
                  - name: http
                    adress: 127.0.0.1:8080
                """);

        Result result = execute("check", "--config", config.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(result.out()).isEmpty();
        assertThat(result.err().lines()).isNotEmpty()
                .allSatisfy(line -> assertThat(line).matches("\\Q" + config + "\\E:\\d+:\\d+: .*"))
                .anySatisfy(line -> assertThat(line).startsWith(config + ":3:5: ").contains("adress"));
        assertThat(result.err()).doesNotContain("\tat ");
    }

    @Test
    void checkOfAMissingFileIsOneLine() {
        Path missing = temp.resolve("missing.yaml");

        Result result = execute("check", "--config", missing.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(result.err().lines()).hasSize(1).first().asString().contains(missing.toString());
    }

    @Test
    void verboseAddsTheStackTrace() {
        Result result = execute("check", "--verbose", "--config", temp.resolve("missing.yaml").toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(result.err()).contains("\tat ");
    }

    @Test
    void statusAndStopWithoutAnInstanceSayNoRunningZentinel() throws Exception {
        Path runtime = Files.createDirectory(temp.resolve("run"));

        for (String command : new String[] {"status", "stop"}) {
            Result result = execute(command, "--runtime-dir", runtime.toString());

            assertThat(result.exitCode()).as(command).isEqualTo(ExitCodes.NOT_RUNNING);
            assertThat(result.err()).as(command)
                    .isEqualTo("zentinel: no running zentinel at " + runtime.resolve("control.sock") + "\n");
        }
    }

    @Test
    void runRefusesAnInvalidConfigWithItsProblems() throws Exception {
        Path config = Files.writeString(temp.resolve("bad.yaml"), "listeners: 42\n");

        Result result = execute("run", "--config", config.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(result.err()).startsWith(config + ":1:");
    }
}
