package org.fedflink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line as a process, with the log configuration it ships with (not the tests' one): a
 * failed command prints its one-line error and nothing else on the console; the stack trace is in
 * the log file.
 */
class CliConsoleIT {

    @TempDir
    Path tmp;

    private record Result(int code, String out, String err) {}

    /** Runs {@code fedflink ARGS} as bin/fedflink does, on the main classes and their dependencies. */
    private Result fedflink(String... args) throws Exception {
        String testClassPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // without the test classes and the test jars of Flink, which hold log4j2-test.properties files
        // that log4j would prefer: the shipped log4j2.properties applies, as with bin/fedflink
        String classPath = Arrays.stream(testClassPath.split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("test-classes" + File.separator)
                        && !entry.endsWith("-tests.jar"))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-exports"))
                .forEach(command::add);
        command.add("-Dfedflink.log.file=" + tmp.resolve("fedflink.log"));
        command.add("-cp");
        command.add(classPath);
        command.add("org.fedflink.cli.Main");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectOutput(tmp.resolve("out.txt").toFile())
                .redirectError(tmp.resolve("err.txt").toFile())
                .start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("fedflink exits").isTrue();
        return new Result(process.exitValue(), Files.readString(tmp.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(tmp.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    private Path job(String input) throws Exception {
        return MainTest.job(tmp, input);
    }

    @Test
    void run_missingInput_oneLineOnTheConsole() throws Exception {
        Path missing = tmp.resolve("x.jsonl");

        Result result = fedflink("run", job("{type: jsonl, path: " + missing + "}").toString(),
                "--out", tmp.resolve("run").toString(), "--quiet", "--flink-conf", tmp.resolve("no-conf").toString());

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("error: input.path: " + missing + " does not exist" + System.lineSeparator());
    }

    @Test
    void run_unexpectedFailure_oneLineOnTheConsole_theStackTraceInTheLogFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "");

        Result result = fedflink("run", job("{type: jsonl, path: x.jsonl}").toString(),
                "--out", file.resolve("run").toString(), "--quiet");

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("error: FileSystemException: " + file.resolve("run") + ": Not a directory"
                + " (details in " + tmp.resolve("fedflink.log") + ")" + System.lineSeparator());
        assertThat(result.err() + result.out()).doesNotContain("at org.", "at java.");
        assertThat(tmp.resolve("fedflink.log")).content()
                .contains("ERROR org.fedflink.cli.details", "command failed", "at org.fedflink.runner.LocalRunner");
    }
}
