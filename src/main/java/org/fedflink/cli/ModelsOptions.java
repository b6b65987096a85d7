package org.fedflink.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fedflink.artifact.RunFolder;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecException;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.pipeline.Loop;
import org.fedflink.versions.SavepointModels;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** Options every {@code models} subcommand shares, and what they do with them. */
class ModelsOptions {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--job", paramLabel = "JOB.yaml",
            description = "The run's job spec (default: job.yaml in the run folder above the savepoint).")
    Path job;

    @Option(names = "--task", paramLabel = "NAME", description = "The task's model, in a job with several tasks.")
    String task;

    @Option(names = "--baseline", description = "The centralized baseline's model instead of the federated one.")
    boolean baseline;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** The folder of the job spec last read by {@link #jobSpec}: the run folder, unless --job named another. */
    Path runFolder;

    /** The job spec of the run {@code snapshot} belongs to. */
    JobSpec jobSpec(Path snapshot) throws JobSpecException {
        Path file = job;
        if (file == null) {
            for (Path dir = snapshot.toAbsolutePath(); dir != null && file == null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve(RunFolder.JOB))) {
                    file = dir.resolve(RunFolder.JOB);
                }
            }
            if (file == null) {
                throw new JobSpecException("no " + RunFolder.JOB + " in a folder above " + snapshot
                        + "; pass the run's job spec with --job JOB.yaml");
            }
        }
        runFolder = file.toAbsolutePath().getParent();
        return JobSpecLoader.load(file, List.of());
    }

    /** The loop the options select. */
    String loop(JobSpec jobSpec) throws JobSpecException {
        String base;
        if (jobSpec.isMultiTask()) {
            List<String> names = jobSpec.tasks().stream().map(JobSpec.Task::name).toList();
            if (task == null) {
                throw new JobSpecException("the job has several tasks (" + String.join(", ", names)
                        + "); choose one with --task NAME");
            }
            if (!names.contains(task)) {
                throw new JobSpecException("the job has no task '" + task + "' (tasks: " + String.join(", ", names)
                        + ")");
            }
            base = task;
        } else {
            if (task != null) {
                throw new JobSpecException("--task applies to a job with several tasks; this one has none");
            }
            base = "";
        }
        return new Loop(base.isEmpty() ? null : base, baseline).name();
    }

    /** The selected loop's version in one savepoint. */
    SavepointModels.Version read(Path snapshot) throws Exception {
        if (!SavepointModels.isSnapshot(snapshot)) {
            throw new IllegalArgumentException(snapshot + " is not a savepoint or checkpoint (no _metadata in it)");
        }
        JobSpec jobSpec = jobSpec(snapshot);
        String loop = loop(jobSpec);
        for (SavepointModels.Version v : SavepointModels.read(snapshot, jobSpec)) {
            if (v.loop().equals(loop)) {
                return v;
            }
        }
        throw new IllegalArgumentException(snapshot + " holds no model of "
                + (loop.isEmpty() ? "the job" : "loop '" + loop + "'") + (baseline ? " (did a baseline run?)" : ""));
    }

    int fail(Exception e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return 2;
    }
}
