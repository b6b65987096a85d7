package org.fedflink.cli;

import java.nio.file.Path;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fedflink resume JOB.yaml --from SAVEPOINT}: continues a stopped job on the cluster. */
@Command(
        name = "resume",
        mixinStandardHelpOptions = true,
        description = "Submits a job spec to the cluster restored from a savepoint (or retained checkpoint): global"
                + " versions and sample counts continue from it. The trainer parallelism may change (--parallelism);"
                + " aggregation.shards may not, and a change is refused before the job starts.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the job finished (or was submitted, with --detach)", "1:the job failed or was cancelled,"
                + " or no cluster answers", "2:invalid job spec, savepoint or arguments", "3:the job was stopped with a"
                + " savepoint"})
public final class ResumeCommand extends ClusterSubmission {

    @Option(names = "--from", required = true, paramLabel = "SAVEPOINT",
            description = "The savepoint or retained checkpoint (chk-N) to restore.")
    String from;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Run folder (default: the run folder holding the savepoint, i.e. the parent of its"
                    + " savepoints/ or checkpoints/ folder).")
    Path out;

    @Override
    String restoreFrom() {
        return from;
    }

    @Override
    Path outDir(JobSpec spec) throws JobSpecException {
        if (out != null) {
            return out;
        }
        return runFolderOf(from);
    }

    /** {@code RUN/savepoints/savepoint-x} or {@code RUN/checkpoints/JOBID/chk-N} gives {@code RUN}. */
    static Path runFolderOf(String savepoint) throws JobSpecException {
        Path p = Path.of(savepoint.replaceFirst("^file:(//)?", "")).toAbsolutePath().normalize();
        if (p.getFileName() != null && p.getFileName().toString().equals("_metadata")) {
            p = p.getParent();
        }
        Path parent = p.getParent();
        if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("savepoints")) {
            return parent.getParent();
        }
        if (parent != null && parent.getParent() != null && parent.getParent().getFileName() != null
                && parent.getParent().getFileName().toString().equals("checkpoints")) {
            return parent.getParent().getParent();
        }
        throw new JobSpecException("savepoint '" + savepoint + "' is not in a run folder's savepoints/ or"
                + " checkpoints/; name the run folder with --out");
    }
}
