package org.fedflink.cli;

import java.nio.file.Path;
import org.fedflink.config.JobSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fedflink submit JOB.yaml}: runs a job spec on a Flink cluster. */
@Command(
        name = "submit",
        mixinStandardHelpOptions = true,
        description = "Submits a job spec to the local cluster (bin/fedflink cluster start) or, with --jobmanager, to"
                + " another Flink 2.2 cluster, prints the job id and the Web UI address, then follows the job to its"
                + " end and writes summary.json. The TaskManagers write models/, metrics.csv, ... into the run folder,"
                + " which must be on a path they share.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the job finished (or was submitted, with --detach)", "1:the job failed or was cancelled,"
                + " or no cluster answers", "2:invalid job spec or arguments", "3:the job was stopped with a savepoint"})
public final class SubmitCommand extends ClusterSubmission {

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/<job>-<timestamp>).")
    Path out;

    @Override
    String restoreFrom() {
        return null;
    }

    @Override
    Path outDir(JobSpec spec) {
        return out != null ? out : defaultOutDir(spec.job());
    }
}
