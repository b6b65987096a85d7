package org.fedflink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a failed command prints: one line on stderr naming the problem (the key and the path for an
 * input), no stack trace. CliConsoleIT runs the command line as a process with the real log
 * configuration, to show that the log does not add a stack trace to the console either.
 */
class MainTest {

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream stdout;
    private PrintStream stderr;

    @BeforeEach
    void capture() {
        stdout = System.out;
        stderr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(stdout);
        System.setErr(stderr);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path job(String input) throws Exception {
        return job(tmp, input);
    }

    /** {@code dir/job.yaml}: a softmax job reading {@code input} (a YAML section, and what follows it). */
    static Path job(Path dir, String input) throws Exception {
        return Files.writeString(dir.resolve("job.yaml"),
                "job: t\nmodel: {type: softmax, features: 2, classes: 2}\ninput: " + input + "\n");
    }

    @Test
    void execute_runWithAMissingInput_oneLineNamingKeyAndPath() throws Exception {
        Path missing = tmp.resolve("x.jsonl");

        int code = Main.execute("run", job("{type: jsonl, path: " + missing + "}").toString(),
                "--out", tmp.resolve("run").toString(), "--quiet", "--flink-conf", tmp.resolve("no-conf").toString());

        assertThat(code).isEqualTo(2);
        assertThat(err()).isEqualTo("error: input.path: " + missing + " does not exist" + System.lineSeparator());
    }

    @Test
    void execute_runWithAMissingHoldout_oneLineNamingItsKey() throws Exception {
        Path data = Files.writeString(tmp.resolve("a.jsonl"), "{\"source\": \"s\", \"label\": 1, \"features\": [1, 2]}\n");
        Path missing = tmp.resolve("test.jsonl");

        int code = Main.execute("run", job("{type: jsonl, path: " + data + "}\nevaluation: {holdoutPath: " + missing
                        + "}").toString(),
                "--out", tmp.resolve("run").toString(), "--quiet", "--flink-conf", tmp.resolve("no-conf").toString());

        assertThat(code).isEqualTo(2);
        assertThat(err()).isEqualTo("error: evaluation.holdoutPath: " + missing + " does not exist"
                + System.lineSeparator());
    }

    @Test
    void execute_unexpectedFailure_oneLineWithTheCauseAndWhereTheDetailsAre() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "");

        int code = Main.execute("run", job("{type: jsonl, path: x.jsonl}").toString(),
                "--out", file.resolve("run").toString(), "--quiet");

        assertThat(code).isEqualTo(1);
        assertThat(err()).startsWith("error: FileSystemException: " + file.resolve("run"))
                .endsWith(" (details in logs/fedflink.log)" + System.lineSeparator())
                .hasLineCount(1)
                .doesNotContain("\tat ");
    }

    @Test
    void errorLine_userErrorInTheCauseChain_isItsMessageAlone() {
        Exception wrapped = new IllegalStateException("job failed",
                new org.fedflink.data.FormatException("input.path: /data/x.jsonl does not exist"));

        assertThat(Main.errorLine(wrapped)).isEqualTo("error: input.path: /data/x.jsonl does not exist");
    }
}
