package org.fedflink.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecException;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.data.FormatException;
import org.fedflink.runner.LocalRunner;
import org.fedflink.runner.RunSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fedflink run JOB.yaml}: runs a job spec on an embedded MiniCluster. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Runs a job spec on an embedded Flink MiniCluster (Web UI on 127.0.0.1), printing progress"
                + " every few seconds and a summary at the end. Outputs: models/, metrics.csv, dead-letter.jsonl"
                + " and summary.json in the run folder. Exit code 0 only when the job FINISHED.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the job finished", "1:the job failed or was stopped", "2:invalid job spec or arguments"})
public final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "JOB.yaml", description = "The job spec (see docs/job-spec.md).")
    Path jobFile;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Run folder (default: runs/<job>-<timestamp>). Reusing a folder with --from resumes into it.")
    Path out;

    @Option(names = "--set", paramLabel = "key.path=value",
            description = "Override any job-spec key, e.g. --set rounds.localExamples=50 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--from", paramLabel = "SAVEPOINT",
            description = "Restore from a savepoint or retained checkpoint; versions continue from it.")
    String from;

    @Option(names = "--flink-conf", paramLabel = "DIR",
            description = "Folder with the Flink config.yaml (default: $FEDFLINK_HOME/flink-conf/local).")
    Path flinkConf;

    @Option(names = "--flink", paramLabel = "key=value",
            description = "Set a Flink configuration option for this run (repeatable).")
    Map<String, String> flinkOptions = Map.of();

    @Option(names = "--quiet", description = "No progress lines.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        JobSpec spec;
        try {
            spec = JobSpecLoader.load(jobFile, overrides);
        } catch (JobSpecException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        Path outDir = out != null ? out : defaultOutDir(spec.job());
        Path conf = flinkConf != null ? flinkConf : defaultFlinkConf();
        if (from != null && !Files.exists(Path.of(from.replaceFirst("^file:", "")))) {
            System.err.println("error: savepoint '" + from + "' does not exist");
            return 2;
        }
        LocalRunner.Options options = LocalRunner.Options.defaults(outDir)
                .withFlinkConfDir(conf)
                .withRestoreFrom(from)
                .withOverrides(flinkOptions)
                .withConsole(quiet ? null : System.out);
        System.out.println("Running job '" + spec.job() + "' (" + spec.mode().name().toLowerCase() + ") -> " + outDir);
        RunSummary summary;
        try {
            summary = LocalRunner.run(spec, options);
        } catch (FormatException | JobSpecException e) {
            // the input is not what the job spec declares, or the savepoint does not fit it: found
            // before the job started
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        System.out.println(summary.describe());
        return summary.finished() ? 0 : 1;
    }

    private static Path defaultOutDir(String job) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return Path.of("runs", job + "-" + stamp);
    }

    static Path defaultFlinkConf() {
        String home = System.getenv("FEDFLINK_HOME");
        return Path.of(home != null ? home : ".", "flink-conf", "local");
    }
}
