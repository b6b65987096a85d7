package org.fedflink.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fedflink.report.ReportException;
import org.fedflink.report.RunReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fedflink report RUN_DIR}: writes the run's charts and key numbers as one offline HTML file. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "Writes the report of a run folder: one self-contained HTML file (no network needed to view"
                + " it) with the run's key numbers and charts of holdout metrics vs the baseline, prequential"
                + " accuracy, throughput, per-source accuracy and round participation. Prints the file's path.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the report was written", "1:the report could not be written",
                "2:RUN_DIR is not a run folder (no summary.json or metrics.csv)"})
public final class ReportCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A run folder written by 'fedflink run'.")
    Path runDir;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write the report (default: RUN_DIR/report.html).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path written;
        try {
            written = RunReport.write(runDir, out);
        } catch (ReportException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 2;
        }
        spec.commandLine().getOut().println(written);
        return 0;
    }
}
