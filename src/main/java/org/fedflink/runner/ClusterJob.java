package org.fedflink.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.OperatorIDPair;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.filesystem.AbstractFsCheckpointStorageAccess;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.fedflink.artifact.RunFolder;
import org.fedflink.cluster.FlinkRest;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecException;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.pipeline.FedJob;
import org.fedflink.pipeline.StateDescriptors;
import org.fedflink.report.ReportException;
import org.fedflink.report.RunReport;

/**
 * A job spec run on a Flink cluster rather than the embedded MiniCluster of {@link LocalRunner}:
 * the same graph ({@link FedJob#build}), the same run folder, reached by every TaskManager through
 * a shared path.
 *
 * <p>Two ways in: {@link #submit} from {@code bin/fedflink submit|resume} (the graph is built here
 * and sent with the job jar over REST), and {@link #runInContext} from the job jar's main class under
 * {@code flink run} (CliFrontend builds the graph in its JVM). Both first refuse a restore whose
 * aggregator state has another shard count than the spec: the shard count is the layout of that
 * state (one {@link ShardState} per shard in union state, each holding a parameter range), so it
 * cannot change on restore, and the check runs before the job is submitted.
 */
public final class ClusterJob {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TERMINAL = Set.of("FINISHED", "FAILED", "CANCELED");

    private ClusterJob() {}

    /**
     * The Flink settings a fedflink job brings to any cluster (on top of the cluster's own): RocksDB
     * with incremental, exactly-once checkpoints retained on cancel, checkpoints and savepoints in the
     * run folder (or {@code checkpoint.dir}), the spec's checkpoint interval, no Kryo fallback, and a
     * uid on every operator.
     */
    public static Configuration jobConfiguration(JobSpec spec, Path outDir) {
        Path out = outDir.toAbsolutePath().normalize();
        Configuration conf = new Configuration();
        conf.setString("state.backend.type", "rocksdb");
        conf.setString("execution.checkpointing.incremental", "true");
        conf.setString("execution.checkpointing.mode", "EXACTLY_ONCE");
        conf.setString("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        conf.setString("pipeline.generic-types", "false");
        conf.setString("pipeline.auto-generate-uids", "false");
        conf.setString("execution.checkpointing.dir", spec.checkpoint().dir() != null
                ? spec.checkpoint().dir() : out.resolve(RunFolder.CHECKPOINTS).toUri().toString());
        conf.setString("execution.checkpointing.savepoint-dir", out.resolve("savepoints").toUri().toString());
        if (spec.checkpoint().intervalMillis() > 0) {
            conf.setString("execution.checkpointing.interval", spec.checkpoint().intervalMillis() + " ms");
        }
        return conf;
    }

    /**
     * Readies the run folder (a resumed run rewrites its counts; {@code job.yaml} records the
     * effective spec), configures {@code env} for the job
     * and returns its graph, named after the job.
     *
     * @throws JobSpecException if the graph restores a savepoint whose shard count differs from the spec's
     */
    static StreamGraph prepare(StreamExecutionEnvironment env, JobSpec spec, Path outDir)
            throws JobSpecException, IOException {
        Path out = outDir.toAbsolutePath().normalize();
        Files.createDirectories(out);
        LocalRunner.clearCounts(out);
        Files.deleteIfExists(out.resolve(ProgressProbe.THROUGHPUT_FILE));
        // the effective spec, with every default, as a local run writes it: the models commands read it
        Files.writeString(out.resolve(RunFolder.JOB), JobSpecLoader.toYaml(spec));
        env.configure(jobConfiguration(spec, out));
        FedJob.build(env, spec, out);
        StreamGraph graph = env.getStreamGraph();
        String restore = graph.getSavepointRestoreSettings().getRestorePath();
        if (restore != null) {
            JobSpec restored = readingAs(spec, restore);
            if (restored != spec) {
                // getStreamGraph cleared the environment: build it again, reading as the savepoint did
                FedJob.build(env, restored, out);
                graph = env.getStreamGraph();
            }
            checkShards(graph.getJobGraph(), restore);
        }
        graph.setJobName(spec.job());
        return graph;
    }

    /**
     * Submits a job spec to a cluster and returns the job id without waiting.
     *
     * @param clientConfDir folder of the cluster's {@code config.yaml} (REST address and port,
     *     high-availability settings to find the leader), or null
     * @param rest the REST address of a JobManager (overrides the configuration's), or null
     * @param restorePath savepoint or retained checkpoint to restore, or null
     * @param jobJar the job jar shipped to the cluster ({@code target/fedflink-job.jar})
     */
    public static String submit(JobSpec spec, Path outDir, String restorePath, Path clientConfDir, URI rest, Path jobJar)
            throws Exception {
        Configuration conf = clientConfDir != null
                ? GlobalConfiguration.loadConfiguration(clientConfDir.toString())
                : new Configuration();
        if (rest != null) {
            conf.setString("rest.address", rest.getHost());
            conf.setString("rest.port", String.valueOf(rest.getPort()));
        }
        conf.setString("execution.target", "remote");
        conf.setString("execution.attached", "false");
        conf.setString("pipeline.jars", jobJar.toAbsolutePath().toUri().toString());
        if (restorePath != null) {
            conf.setString("execution.state-recovery.path", restorePath);
        }
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
        StreamGraph graph = prepare(env, spec, outDir);
        JobClient client = env.executeAsync(graph);
        String id = client.getJobID().toHexString();
        if (client instanceof AutoCloseable closeable) {
            closeable.close();
        }
        return id;
    }

    /**
     * The body of the job jar's main class under {@code flink run}: builds the graph in the client's
     * context environment (which carries {@code -s SAVEPOINT} as the restore path) and executes it.
     * Attached, it waits for the end and writes {@code summary.json} like a local run; detached
     * ({@code flink run -d}) it returns the job id at once.
     *
     * @return the summary when attached, null when detached
     */
    public static RunSummary runInContext(JobSpec spec, Path outDir, PrintStream console) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamGraph graph = prepare(env, spec, outDir);
        long start = System.currentTimeMillis();
        JobExecutionResult result;
        try {
            result = env.execute(graph);
        } catch (Exception e) {
            RunSummary failed = summarize(spec, outDir, "FAILED", start, System.currentTimeMillis() - start, rootMessage(e));
            console.println(failed.describe());
            throw e;
        }
        if (!result.isJobExecutionResult()) {
            console.println("Submitted job " + result.getJobID() + " (detached; summary.json is written only by an"
                    + " attached run or bin/fedflink submit)");
            return null;
        }
        RunSummary summary = summarize(spec, outDir, endState(spec, outDir), start, result.getNetRuntime(), null);
        console.println(summary.describe());
        return summary;
    }

    /**
     * Waits for a submitted job to end, printing a progress line every {@code interval} (when
     * {@code console} is not null), then writes {@code summary.json} (and {@code report.html}) to the
     * run folder. Survives a JobManager failover: the REST client moves to the JobManager that
     * answers, and errors are tolerated for up to {@code unreachable} in a row.
     *
     * @param startMillis when the job was submitted (for the wall time and the throughput samples)
     */
    public static RunSummary await(JobSpec spec, Path outDir, String jobId, FlinkRest rest, long startMillis,
            PrintStream console, Duration interval, Duration unreachable) throws IOException, InterruptedException {
        Path out = outDir.toAbsolutePath().normalize();
        Map<String, Path> taskDirs = new LinkedHashMap<>();
        for (JobSpec.Task task : spec.runTasks()) {
            taskDirs.put(task.name() == null ? "" : task.name(), FedJob.taskDir(out, task));
        }
        JobID id = JobID.fromHexString(jobId);
        // one probe over the whole run, asking for the REST address each time: after a JobManager
        // failover it keeps the examples read so far, and the rate stays that of its own figure
        ProgressProbe probe = new ProgressProbe(rest::current, id, out, taskDirs, startMillis);
        long lastAnswer = System.currentTimeMillis();
        String state;
        IOException lastError = null;
        while (true) {
            try {
                state = rest.jobState(jobId);
                lastAnswer = System.currentTimeMillis();
                if (TERMINAL.contains(state)) {
                    break;
                }
            } catch (IOException e) {
                lastError = e;
                if (System.currentTimeMillis() - lastAnswer > unreachable.toMillis()) {
                    throw new IOException("lost the job " + jobId + ": no jobmanager answered for "
                            + unreachable.toSeconds() + " s (" + e.getMessage() + ")", e);
                }
            }
            Thread.sleep(interval.toMillis());
            String line = probe.sample();
            if (console != null && lastError == null) {
                console.println(line);
            }
            lastError = null;
        }
        String failure = null;
        if ("FAILED".equals(state)) {
            failure = failureOf(rest, jobId);
        }
        String status = "FINISHED".equals(state) ? endState(spec, out) : state;
        long wallMillis = System.currentTimeMillis() - startMillis;
        RunSummary summary = summarize(spec, out, status, startMillis, wallMillis, failure);
        probe.record(wallMillis, summary.json().path("examples").asLong());
        return summary;
    }

    /** Writes {@code summary.json} and, when the spec asks for it, {@code report.html}. */
    private static RunSummary summarize(JobSpec spec, Path out, String status, long startMillis, long wallMillis,
            String failure) throws IOException {
        RunSummary summary = RunSummary.collect(spec, out, status, startMillis, wallMillis, failure);
        summary.write(out);
        if (spec.evaluation().report()) {
            try {
                RunReport.write(out);
            } catch (IOException | ReportException e) {
                // the run itself is done and summarised; a report that cannot be drawn must not fail it
                System.err.println("warning: could not write the report of " + out + ": " + e.getMessage());
            }
        }
        return summary;
    }

    /**
     * {@code FINISHED} when every task published its final model (the input ended), else
     * {@code STOPPED}: a job stopped with a savepoint also ends FINISHED in Flink's terms.
     */
    static String endState(JobSpec spec, Path out) {
        for (JobSpec.Task task : spec.runTasks()) {
            Path latest = FedJob.taskDir(out, task).resolve(RunFolder.MODELS).resolve(RunFolder.LATEST);
            try {
                if (!Files.exists(latest) || !JSON.readTree(latest.toFile()).path("final").asBoolean()) {
                    return "STOPPED";
                }
            } catch (IOException e) {
                return "STOPPED";
            }
        }
        return "FINISHED";
    }

    private static String failureOf(FlinkRest rest, String jobId) {
        try {
            JsonNode exceptions = rest.get("/jobs/" + jobId + "/exceptions");
            JsonNode entries = exceptions.path("exceptionHistory").path("entries");
            if (entries.isArray() && !entries.isEmpty()) {
                return entries.get(0).path("stacktrace").asText(entries.get(0).path("exceptionName").asText());
            }
            return exceptions.path("root-exception").asText("the job failed");
        } catch (IOException e) {
            return "the job failed (" + e.getMessage() + ")";
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getName() + ": " + root.getMessage();
    }

    /**
     * Refuses to restore {@code savepoint} into {@code graph} when an aggregator's parallelism (its
     * shard count) differs from the one the savepoint holds, or when the input is read otherwise
     * than when it was taken ({@code input.readBy}: where the reading was is kept by the readers or
     * by the trainers, and the other would read the input again from its start). Reads only the
     * savepoint's {@code _metadata} (operator ids, parallelisms and state names), on any file system
     * Flink can read.
     */
    static void checkShards(JobGraph graph, String savepoint) throws JobSpecException {
        CheckpointMetadata metadata = metadata(savepoint);
        Map<OperatorID, OperatorState> saved = new LinkedHashMap<>();
        for (OperatorState state : metadata.getOperatorStates()) {
            saved.put(state.getOperatorID(), state);
        }
        boolean trainersRead = false;
        boolean hasTrainer = false;
        for (JobVertex vertex : graph.getVertices()) {
            for (OperatorIDPair ids : vertex.getOperatorIDs()) {
                trainersRead |= StateDescriptors.UID_NO_EXAMPLES.equals(ids.getUserDefinedOperatorUid());
                hasTrainer |= StateDescriptors.UID_TRAINER.equals(ids.getUserDefinedOperatorUid())
                        && saved.containsKey(ids.getGeneratedOperatorID());
            }
        }
        boolean savedRead = readByTrainers(metadata);
        if (hasTrainer && savedRead != trainersRead) {
            String by = trainersRead ? "trainers" : "readers";
            String savedBy = savedRead ? "trainers" : "readers";
            throw new JobSpecException("input.readBy is " + by + " but savepoint '" + savepoint + "' was taken with"
                    + " the " + savedBy + " reading the input (they hold where the reading was; the " + by
                    + " would read it again from its start); resume with --set input.readBy=" + savedBy
                    + " or auto");
        }
        for (JobVertex vertex : graph.getVertices()) {
            for (OperatorIDPair ids : vertex.getOperatorIDs()) {
                String uid = ids.getUserDefinedOperatorUid();
                if (uid == null || !uid.endsWith(StateDescriptors.UID_AGGREGATOR)) {
                    continue;
                }
                OperatorState state = saved.get(ids.getGeneratedOperatorID());
                if (state != null && state.getParallelism() != vertex.getParallelism()) {
                    throw new JobSpecException("aggregation.shards is " + vertex.getParallelism() + " but savepoint '"
                            + savepoint + "' holds the model of '" + uid + "' in " + state.getParallelism()
                            + " shard(s); the shard count is the layout of the aggregator state and cannot change on"
                            + " resume (resume with --set aggregation.shards=" + state.getParallelism() + ")");
                }
            }
        }
    }

    /**
     * {@code spec} reading its input as the savepoint it restores was taken with, when its {@code
     * input.readBy} is auto (so that a savepoint taken before trainers read their input resumes as
     * it was); else {@code spec} itself.
     */
    static JobSpec readingAs(JobSpec spec, String savepoint) throws JobSpecException {
        if (spec.input().readBy() != JobSpec.ReadBy.AUTO || spec.isMultiTask()) {
            return spec;
        }
        boolean trainers = readByTrainers(metadata(savepoint));
        if (trainers == spec.trainersReadInput()) {
            return spec;
        }
        return spec.withReadBy(trainers ? JobSpec.ReadBy.TRAINERS : JobSpec.ReadBy.READERS);
    }

    /** Whether the trainers read the input of the job that took the savepoint (they held where). */
    private static boolean readByTrainers(CheckpointMetadata metadata) {
        String positions = StateDescriptors.trainerInputPositions().getName();
        return metadata.getOperatorStates().stream().anyMatch(state -> holdsOperatorState(state, positions));
    }

    private static CheckpointMetadata metadata(String savepoint) throws JobSpecException {
        try {
            var location = AbstractFsCheckpointStorageAccess.resolveCheckpointPointer(savepoint);
            try (InputStream in = location.getMetadataHandle().openInputStream()) {
                return Checkpoints.loadCheckpointMetadata(
                        new DataInputStream(in), ClusterJob.class.getClassLoader(), location.getExternalPointer());
            }
        } catch (IOException e) {
            throw new JobSpecException("cannot read savepoint '" + savepoint + "': " + oneLine(e.getMessage()));
        }
    }

    /** Whether any subtask of {@code state} holds operator state named {@code name}. */
    private static boolean holdsOperatorState(OperatorState state, String name) {
        for (OperatorSubtaskState subtask : state.getSubtaskStates().values()) {
            for (OperatorStateHandle handle : subtask.getManagedOperatorState()) {
                if (handle.getStateNameToPartitionOffsets().containsKey(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
