package org.fedflink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReportCommandTest {

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return new CommandLine(new Main())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
    }

    private Path runFolder() throws Exception {
        Files.writeString(tmp.resolve("summary.json"), "{\"job\":\"quickstart\",\"status\":\"FINISHED\",\"mode\":\"fedavg\"}");
        Files.writeString(tmp.resolve("metrics.csv"), "version,holdoutAccuracy,prequentialAccuracy\n1,0.5,0.4\n2,,0.6\n");
        return tmp;
    }

    @Test
    void report_writesReportHtml_andPrintsItsPath() throws Exception {
        Path run = runFolder();

        int code = run("report", run.toString());

        assertThat(code).isZero();
        assertThat(out.toString().strip()).isEqualTo(run.resolve("report.html").toString());
        assertThat(Files.readString(run.resolve("report.html"))).contains("quickstart");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void report_out_writesThere() throws Exception {
        Path run = runFolder();
        Path target = tmp.resolve("elsewhere/r.html");

        int code = run("report", run.toString(), "--out", target.toString());

        assertThat(code).isZero();
        assertThat(out.toString().strip()).isEqualTo(target.toString());
        assertThat(target).isRegularFile();
    }

    @Test
    void report_ofAFolderWithoutSummary_failsWithOneLine() {
        int code = run("report", tmp.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: run folder '" + tmp + "' has no summary.json" + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void report_ofAFolderWithoutMetrics_failsWithOneLine() throws Exception {
        Files.writeString(tmp.resolve("summary.json"), "{}");

        int code = run("report", tmp.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: run folder '" + tmp + "' has no metrics.csv" + System.lineSeparator());
    }

    @Test
    void help_listsTheReportCommand() {
        run("--help");

        assertThat(out.toString()).contains("report");
    }
}
