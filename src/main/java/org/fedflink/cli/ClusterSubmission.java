package org.fedflink.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.fedflink.cluster.ClusterException;
import org.fedflink.cluster.FlinkRest;
import org.fedflink.cluster.SubmittedJobs;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecException;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.data.FormatException;
import org.fedflink.pipeline.FedJob;
import org.fedflink.runner.ClusterJob;
import org.fedflink.runner.RunSummary;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What {@code submit} and {@code resume} share: load the spec, check the cluster can run it, submit
 * the graph with the job jar over REST, print the job id and Web UI address, then (unless
 * {@code --detach}) follow the job to its end and write {@code summary.json} in the run folder.
 */
abstract class ClusterSubmission implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "JOB.yaml", description = "The job spec (see docs/job-spec.md).")
    Path jobFile;

    @Option(names = "--set", paramLabel = "key.path=value",
            description = "Override any job-spec key, e.g. --set rounds.localExamples=50 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--parallelism", paramLabel = "N",
            description = "Trainer parallelism (the job spec's trainer.parallelism); the cluster needs that many free slots.")
    Integer parallelism;

    @Option(names = "--detach", description = "Return once the job is submitted (no progress, no summary.json).")
    boolean detach;

    @Option(names = "--quiet", description = "No progress lines.")
    boolean quiet;

    @Option(names = "--jar", paramLabel = "FILE",
            description = "The job jar shipped to the cluster (default: $FEDFLINK_HOME/target/fedflink-job.jar).")
    Path jar;

    @Mixin
    ClusterTarget target = new ClusterTarget();

    /** The savepoint to restore, or null. */
    abstract String restoreFrom();

    /** The run folder. */
    abstract Path outDir(JobSpec spec) throws JobSpecException;

    @Override
    public Integer call() throws Exception {
        List<String> all = new ArrayList<>(overrides);
        if (parallelism != null) {
            all.add("trainer.parallelism=" + parallelism);
        }
        JobSpec spec;
        Path out;
        String restore = restoreFrom();
        try {
            spec = JobSpecLoader.load(jobFile, all);
            if (restore != null && !restore.contains("://") && !Files.exists(Path.of(restore))) {
                throw new JobSpecException("savepoint '" + restore + "' does not exist");
            }
            out = outDir(spec).toAbsolutePath().normalize();
        } catch (JobSpecException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        Path jobJar = jar != null ? jar : ClusterCommand.home().resolve("target").resolve("fedflink-job.jar");
        if (!Files.isRegularFile(jobJar)) {
            System.err.println("error: missing job jar " + jobJar + "; build it with: mvn package -DskipTests");
            return 2;
        }
        FlinkRest rest;
        try {
            rest = target.rest();
            checkSlots(rest, spec);
        } catch (ClusterException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        long start = System.currentTimeMillis();
        String jobId;
        try {
            jobId = ClusterJob.submit(spec, out, restore == null ? null : absolute(restore), target.confDir(),
                    target.jobManager, jobJar);
        } catch (JobSpecException | FormatException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        if (target.folder() != null) {
            try {
                new SubmittedJobs(target.folder()).record(jobId, spec.job(), out, jobFile);
            } catch (IOException e) {
                System.err.println("warning: could not record job " + jobId + " in " + target.folder() + ": " + e.getMessage());
            }
        }
        URI ui = rest.current();
        System.out.println("Submitted job " + jobId + " ('" + spec.job() + "', " + spec.mode().name().toLowerCase()
                + (restore == null ? "" : ", restored from " + restore) + ") -> " + out);
        System.out.println("Flink Web UI: " + ui + "/#/job/running/" + jobId + "/overview");
        if (detach) {
            return 0;
        }
        RunSummary summary = ClusterJob.await(spec, out, jobId, rest, start, quiet ? null : System.out,
                Duration.ofSeconds(2), Duration.ofMinutes(5));
        System.out.println(summary.describe());
        return switch (summary.json().path("status").asText()) {
            case "FINISHED" -> 0;
            case "STOPPED" -> 3;
            default -> 1;
        };
    }

    /** A job that needs more slots than the cluster has would wait for them until Flink gives up: refuse it now. */
    private static void checkSlots(FlinkRest rest, JobSpec spec) throws ClusterException {
        int total;
        try {
            total = rest.get("/overview").path("slots-total").asInt();
        } catch (IOException e) {
            throw new ClusterException("no jobmanager answers at " + rest.endpoints() + " (" + e.getMessage()
                    + "); start one with: bin/fedflink cluster start");
        }
        int needed = FedJob.requiredSlots(spec);
        if (needed > total) {
            throw new ClusterException("the job needs " + needed + " task slots (trainer.parallelism, aggregation.shards)"
                    + " but the cluster has " + total + "; add TaskManagers (bin/fedflink cluster start --taskmanagers N)"
                    + " or lower --parallelism");
        }
    }

    private static String absolute(String path) {
        return path.contains("://") || path.startsWith("file:") ? path : Path.of(path).toAbsolutePath().normalize().toString();
    }

    static Path defaultOutDir(String job) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return Path.of("runs", job + "-" + stamp);
    }
}
