package org.fedflink.runner;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.fedflink.artifact.RunFolder;
import org.fedflink.config.JobSpec;
import org.fedflink.pipeline.FedJob;

/**
 * Runs a job spec on an embedded MiniCluster (Web UI and REST bound to 127.0.0.1): builds the
 * graph, submits it, reports progress, waits for the end and writes the run summary.
 *
 * <p>Flink settings come from, in increasing precedence: the {@code config.yaml} in
 * {@code flinkConfDir} (the project's {@code flink-conf/local}), the job spec (checkpoint interval
 * and directory), and {@link Options#flinkOverrides}.
 *
 * <p>{@link #start} starts a MiniCluster for the run and shuts it down with the runner ({@code fedflink
 * run}); {@link #startOn} submits to a MiniCluster that is already running and stays its caller's (the one
 * the integration tests of a class share), with the same graph, job settings and run folder.
 */
public final class LocalRunner implements AutoCloseable {

    /** How to run. */
    public record Options(
            Path outDir,
            Path flinkConfDir,
            String restoreFrom,
            Map<String, String> flinkOverrides,
            PrintStream console,
            Duration progressInterval) {

        public static Options defaults(Path outDir) {
            return new Options(outDir, null, null, Map.of(), null, Duration.ofSeconds(2));
        }

        public Options withRestoreFrom(String path) {
            return new Options(outDir, flinkConfDir, path, flinkOverrides, console, progressInterval);
        }

        public Options withOverrides(Map<String, String> overrides) {
            return new Options(outDir, flinkConfDir, restoreFrom, overrides, console, progressInterval);
        }

        public Options withConsole(PrintStream out) {
            return new Options(outDir, flinkConfDir, restoreFrom, flinkOverrides, out, progressInterval);
        }

        public Options withFlinkConfDir(Path dir) {
            return new Options(outDir, dir, restoreFrom, flinkOverrides, console, progressInterval);
        }
    }

    /** The run's effective job spec (every key, defaults included), in the run folder. */

    private final JobSpec spec;
    private final Options options;
    /** Whether {@link #cluster} is this runner's own, started in {@link #submit} and shut down by {@link #close}. */
    private final boolean ownsCluster;
    private MiniCluster cluster;
    private JobID jobId;
    private URI webUi;
    private long startMillis;
    private volatile boolean stoppedWithSavepoint;

    private LocalRunner(JobSpec spec, Options options, MiniCluster lentCluster) {
        this.spec = spec;
        this.options = options;
        this.ownsCluster = lentCluster == null;
        this.cluster = lentCluster;
    }

    /** Starts a MiniCluster and submits the job; the caller must {@link #close()} it. */
    public static LocalRunner start(JobSpec spec, Options options) throws Exception {
        LocalRunner runner = new LocalRunner(spec, options, null);
        runner.submit();
        return runner;
    }

    /** Runs the job to its end and writes {@code summary.json}. */
    public static RunSummary run(JobSpec spec, Options options) throws Exception {
        try (LocalRunner runner = start(spec, options)) {
            return runner.awaitSummary();
        }
    }

    /**
     * Submits the job to {@code cluster}, which is running and stays the caller's; the caller must
     * {@link #close()} the runner, which cancels the job if it still runs and leaves the cluster up.
     *
     * <p>The job is the one {@link #start} submits, with the job's settings of {@link #configuration()}
     * (state backend, checkpointing, restart strategy, uids, and {@link Options#flinkOverrides} that are
     * job settings). The cluster's own settings (slots, memory, addresses) are the cluster's: it should
     * have {@link #clusterSettings()} and at least {@link FedJob#requiredSlots} free slots.
     */
    public static LocalRunner startOn(MiniCluster cluster, JobSpec spec, Options options) throws Exception {
        LocalRunner runner = new LocalRunner(spec, options, Objects.requireNonNull(cluster, "cluster"));
        runner.submit();
        return runner;
    }

    /** Runs the job to its end on {@code cluster} (see {@link #startOn}) and writes {@code summary.json}. */
    public static RunSummary runOn(MiniCluster cluster, JobSpec spec, Options options) throws Exception {
        try (LocalRunner runner = startOn(cluster, spec, options)) {
            return runner.awaitSummary();
        }
    }

    /**
     * The settings of the cluster {@link #start} starts that are not the job's: it listens on
     * 127.0.0.1 only, and its REST API refreshes the metrics the progress line reads every 2 s
     * (Flink's default is 10 s). A cluster given to {@link #startOn} should have them too.
     */
    public static Map<String, String> clusterSettings() {
        return Map.of(
                "rest.bind-address", "127.0.0.1",
                "rest.address", "127.0.0.1",
                "jobmanager.bind-host", "127.0.0.1",
                "taskmanager.bind-host", "127.0.0.1",
                "taskmanager.host", "127.0.0.1",
                "metrics.fetcher.update-interval", "2000");
    }

    /** The Flink configuration of a run. */
    public Configuration configuration() {
        Configuration conf = options.flinkConfDir() != null && Files.isDirectory(options.flinkConfDir())
                ? GlobalConfiguration.loadConfiguration(options.flinkConfDir().toString())
                : new Configuration();
        Map<String, String> settings = new HashMap<>();
        settings.put("state.backend.type", "rocksdb");
        settings.put("execution.checkpointing.incremental", "true");
        settings.put("execution.checkpointing.mode", "EXACTLY_ONCE");
        settings.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        settings.put("pipeline.generic-types", "false");
        settings.put("pipeline.auto-generate-uids", "false");
        settings.putAll(clusterSettings());
        settings.put("rest.bind-port", "8081-8181");
        for (Map.Entry<String, String> e : settings.entrySet()) {
            if (!conf.containsKey(e.getKey()) || e.getKey().startsWith("pipeline.")) {
                conf.setString(e.getKey(), e.getValue());
            }
        }
        Path out = options.outDir().toAbsolutePath();
        String checkpointDir = spec.checkpoint().dir() != null
                ? spec.checkpoint().dir()
                : out.resolve("checkpoints").toUri().toString();
        conf.setString("execution.checkpointing.dir", checkpointDir);
        conf.setString("execution.checkpointing.savepoint-dir", out.resolve("savepoints").toUri().toString());
        if (spec.checkpoint().intervalMillis() > 0) {
            conf.setString("execution.checkpointing.interval", spec.checkpoint().intervalMillis() + " ms");
        }
        conf.setString("taskmanager.numberOfTaskSlots", String.valueOf(FedJob.requiredSlots(spec)));
        options.flinkOverrides().forEach(conf::setString);
        return conf;
    }

    private void submit() throws Exception {
        Path out = options.outDir();
        Files.createDirectories(out);
        clearCounts(out);
        Files.deleteIfExists(out.resolve(ProgressProbe.THROUGHPUT_FILE));
        // the effective spec, with every default: what the models commands read to interpret state
        Files.writeString(out.resolve(RunFolder.JOB), org.fedflink.config.JobSpecLoader.toYaml(spec));
        Configuration conf = configuration();
        // The graph first: building it looks at the input, and a bad input must fail before a
        // cluster is running.
        StreamExecutionEnvironment env = localEnvironment(conf);
        // with input.readBy auto, a savepoint resumes read as it was taken
        FedJob.build(env, options.restoreFrom() != null ? ClusterJob.readingAs(spec, options.restoreFrom()) : spec,
                out);
        JobGraph graph = env.getStreamGraph().getJobGraph();
        if (options.restoreFrom() != null) {
            // refused here, with the reason, rather than by the restore of a running job
            ClusterJob.checkShards(graph, options.restoreFrom());
        }
        if (ownsCluster) {
            cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                    .setConfiguration(conf)
                    .setNumTaskManagers(1)
                    .setNumSlotsPerTaskManager(FedJob.requiredSlots(spec))
                    .build());
            cluster.start();
        }
        webUi = cluster.getRestAddress().get(30, TimeUnit.SECONDS);

        if (options.restoreFrom() != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(options.restoreFrom(), false));
        }
        startMillis = System.currentTimeMillis();
        jobId = cluster.submitJob(graph).get(60, TimeUnit.SECONDS).getJobID();
        if (options.console() != null) {
            options.console().println("Flink Web UI: " + webUi + "  (job " + jobId + ")");
        }
    }

    /**
     * The environment the graph is built in: the one {@code createLocalEnvironment(conf)} makes, which
     * is what {@code getExecutionEnvironment} gives {@code fedflink run}. Made here because under
     * Flink's MiniClusterExtension {@code getExecutionEnvironment} gives the test's environment (the
     * test cluster's slot count as default parallelism, some settings randomized) and a
     * LocalStreamEnvironment is refused. Only its graph is used: the runner submits the JobGraph itself.
     */
    private static StreamExecutionEnvironment localEnvironment(Configuration conf) {
        Configuration local = new Configuration(conf);
        if (!local.contains(CoreOptions.DEFAULT_PARALLELISM)) {
            local.set(CoreOptions.DEFAULT_PARALLELISM, StreamExecutionEnvironment.getDefaultLocalParallelism());
        }
        local.set(DeploymentOptions.TARGET, "local");
        local.set(DeploymentOptions.ATTACHED, true);
        return new StreamExecutionEnvironment(local);
    }

    public MiniCluster cluster() {
        return cluster;
    }

    public JobID jobId() {
        return jobId;
    }

    public URI webUi() {
        return webUi;
    }

    /** Takes a savepoint under {@code dir} while the job keeps running, and returns its path. */
    public String triggerSavepoint(Path dir) throws Exception {
        return cluster.triggerSavepoint(jobId, dir.toUri().toString(), false, SavepointFormatType.CANONICAL)
                .get(120, TimeUnit.SECONDS);
    }

    /** Stops the job with a savepoint under {@code dir} and returns the savepoint path. */
    public String stopWithSavepoint(Path dir) throws Exception {
        stoppedWithSavepoint = true;
        return cluster.stopWithSavepoint(jobId, dir.toUri().toString(), false, SavepointFormatType.CANONICAL)
                .get(120, TimeUnit.SECONDS);
    }

    /** Waits for the job to end, printing progress, and writes the summary. */
    public RunSummary awaitSummary() throws Exception {
        Map<String, Path> taskDirs = new java.util.LinkedHashMap<>();
        for (JobSpec.Task task : spec.runTasks()) {
            taskDirs.put(task.name() == null ? "" : task.name(), FedJob.taskDir(options.outDir(), task));
        }
        ProgressProbe probe = new ProgressProbe(() -> webUi, jobId, options.outDir(), taskDirs, startMillis);
        var result = cluster.requestJobResult(jobId);
        while (!result.isDone()) {
            try {
                result.get(options.progressInterval().toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                String line = probe.sample();
                if (options.console() != null) {
                    options.console().println(line);
                }
            }
        }
        JobResult jobResult = result.get();
        long wallMillis = System.currentTimeMillis() - startMillis;
        JobStatus status = cluster.getJobStatus(jobId).get(30, TimeUnit.SECONDS);
        String failure = jobResult.getSerializedThrowable()
                .map(t -> t.getFullStringifiedStackTrace())
                .orElse(null);
        String state = stoppedWithSavepoint && status == JobStatus.FINISHED ? "STOPPED" : status.name();
        RunSummary summary = RunSummary.collect(spec, options.outDir(), state, startMillis, wallMillis, failure);
        summary.write(options.outDir());
        probe.record(wallMillis, summary.json().path("examples").asLong());
        if (spec.evaluation().report()) {
            try {
                org.fedflink.report.RunReport.write(options.outDir());
            } catch (java.io.IOException | org.fedflink.report.ReportException e) {
                // the run itself is done and summarised; a report that cannot be drawn must not fail it
                System.err.println("warning: could not write the report of " + options.outDir() + ": " + e.getMessage());
            }
        }
        return summary;
    }

    @Override
    public String toString() {
        return "LocalRunner[" + spec.job() + ", " + jobId + "]";
    }

    /** Shuts the MiniCluster down; on a cluster given to {@link #startOn}, ends the job instead. */
    public void close() throws Exception {
        if (ownsCluster) {
            if (cluster != null) {
                cluster.close();
            }
        } else if (jobId != null) {
            cancelIfRunning();
        }
    }

    /** Cancels the job unless it has ended, and waits for its end: the cluster's next job needs its slots. */
    private void cancelIfRunning() throws Exception {
        if (!cluster.getJobStatus(jobId).get(30, TimeUnit.SECONDS).isGloballyTerminalState()) {
            try {
                cluster.cancelJob(jobId).get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // it ended between the two calls; its result below says how
            }
        }
        cluster.requestJobResult(jobId).get(120, TimeUnit.SECONDS);
    }

    /**
     * Removes the ingest counts an earlier attempt left in the run folder (its own and those of the
     * input-N readings), so that the summary sums only this run's.
     */
    static void clearCounts(Path out) throws java.io.IOException {
        org.fedflink.io.FileTrees.deleteRecursively(out.resolve(FedJob.COUNTS));
        for (int g = 1; Files.isDirectory(out.resolve(RunFolder.inputFolder(g))); g++) {
            org.fedflink.io.FileTrees.deleteRecursively(out.resolve(RunFolder.inputFolder(g)).resolve(FedJob.COUNTS));
        }
    }
}
