package org.fedflink.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.fedflink.artifact.Preprocessing;
import org.fedflink.artifact.RunFolder;
import org.fedflink.config.JobSpec;
import org.fedflink.data.FeatureScaler;
import org.fedflink.io.FileInput;
import org.fedflink.model.LearningRate;
import org.fedflink.model.LocalOptimizer;
import org.fedflink.model.LocalOptimizers;

/**
 * Builds the learning job graph from a validated {@link JobSpec}:
 *
 * <pre>
 * examples (generator | files | Kafka) -> ingest (parse + validate; dead letters -> file, Kafka topic)
 *   -> timestamps/watermarks (a Kafka source makes its own, per partition)
 *   -> keyBy(source) -> LocalTrainer  <- broadcast <- FeedbackSource  (co-located with
 *   -> partition by shard -> GlobalAggregator -> FeedbackChannel ----^    the aggregator)
 *   -> ModelWriter (versions, metrics.csv) -> model topic (Kafka, exactly once)
 * </pre>
 *
 * With {@code input.readBy} there are no readers before the trainers: each trainer subtask
 * reads, checks and trains its own sources' records of the input ({@link OwnInputReader}), and its
 * dead letters go to the same writer.
 *
 * <p>With {@code evaluation.baseline: centralized} a second loop trains one learner over the union of
 * all sources on the same stream, writing to {@code baseline/} in the run folder. A job with
 * {@code tasks:} has one such loop (and baseline) per task, named {@code <task>/...} and writing
 * to {@code tasks/<task>/}; tasks that read the input alike share one reading of it.
 *
 * <p>The parts: {@link InputReading} reads the input, {@link LoopPlan} resolves what sets a loop
 * apart and {@link LoopGraph} wires it, {@link LocalOnlyGraph} adds the local-only baseline and
 * {@link TaskHoldouts} the holdout sets every model is scored on.
 */
public final class FedJob {

    private FedJob() {}

    public static final String COUNTS = "counts";
    /** The key every example gets in the centralized learner. */
    public static final String CENTRALIZED_KEY = "centralized";
    /** The name of the primary holdout set (evaluation.holdout or holdoutPath, else the first named one). */
    public static final String HOLDOUT = "holdout";

    /** The slots a local cluster needs to run this job (all operators share one slot-sharing group). */
    public static int requiredSlots(JobSpec spec) {
        int slots = 1;
        for (JobSpec.Task task : spec.runTasks()) {
            JobSpec t = task.spec();
            slots = Math.max(slots, Math.max(Math.max(t.trainer().parallelism(), t.aggregation().shards()),
                    t.input().parallelism()));
        }
        return slots;
    }

    /** The run-folder part of a task: the run folder itself for a job without {@code tasks:}. */
    public static Path taskDir(Path outDir, JobSpec.Task task) {
        return task.name() == null ? outDir : outDir.resolve(RunFolder.TASKS).resolve(task.name());
    }

    /**
     * Adds the whole job to {@code env}: one reading of the input per group of tasks that read it
     * alike, and one learning loop (plus its baselines) per task.
     */
    public static void build(StreamExecutionEnvironment env, JobSpec spec, Path outDir) {
        List<List<JobSpec.Task>> groups = inputGroups(spec);
        for (int g = 0; g < groups.size(); g++) {
            List<JobSpec.Task> group = groups.get(g);
            InputReading input = InputReading.of(env, group, g, outDir, spec.isMultiTask());
            for (JobSpec.Task task : group) {
                JobSpec taskSpec = task.spec();
                Path taskOut = taskDir(outDir, task);
                // the parse options and fitted scaling, so the task's models can score new data
                // without the training input (fedflink predict)
                FileInput files = input.files();
                Preprocessing.of(taskSpec, files == null ? null : files.options(),
                        files == null ? FeatureScaler.none() : files.scaler()).write(taskOut);
                HoldoutSupplier holdout = TaskHoldouts.of(taskSpec, files);
                // the model topic gets the job's (or task's) model; a baseline is for comparison only
                String modelKey = task.name() == null ? spec.job() : spec.job() + "/" + task.name();
                for (LoopPlan plan : LoopPlan.forTask(task, taskOut, modelKey)) {
                    if (input.trainerInput() != null && !plan.inOrder()) {
                        LoopPlan reading = plan.readingItself(input.trainerInput());
                        input.deadLetters().add(LoopGraph.add(env, null, reading, holdout)
                                .getSideOutput(Ingest.DEAD_LETTERS));
                    } else {
                        LoopGraph.add(env, input.examplesFor(plan), plan, holdout);
                    }
                }
                if (taskSpec.evaluation().has(JobSpec.Baseline.LOCAL)) {
                    // not "baseline-local-": the centralized baseline's trainer uid is "baseline-" + "local-trainer"
                    LocalOnlyGraph.add(input.examples(), taskSpec, taskSpec.model().toSpec(),
                            Loop.of(task.name()).uidPrefix() + "local-only-",
                            taskOut.resolve(RunFolder.LOCAL_BASELINE).toAbsolutePath().toString(), holdout);
                }
            }
        }
    }

    /**
     * Tasks grouped by how they read the input: the same input section and the same label checks
     * (the generator's data and the validator depend on the model's kind, features and classes).
     * Each group reads and validates the input once; groups keep the order of their first task.
     */
    static List<List<JobSpec.Task>> inputGroups(JobSpec spec) {
        Map<List<Object>, List<JobSpec.Task>> groups = new LinkedHashMap<>();
        for (JobSpec.Task task : spec.runTasks()) {
            JobSpec.ModelSection m = task.spec().model();
            Object kind = switch (m.type()) {
                case SOFTMAX, MLP -> "multiclass";
                default -> m.type();
            };
            List<Object> key = List.of(task.spec().input(), kind, m.features(), m.classes());
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(task);
        }
        return List.copyOf(groups.values());
    }

    /**
     * The local optimizer the job spec describes. FTRL takes {@code learningRate} as its {@code
     * alpha} and no schedule (the loader allows only {@code constant} with it).
     */
    public static LocalOptimizer optimizer(JobSpec spec) {
        JobSpec.OptimizerSpec o = spec.optimizer();
        return switch (o.type()) {
            case SGD -> LocalOptimizers.sgd(schedule(o));
            case MOMENTUM -> LocalOptimizers.momentum(schedule(o), o.momentum());
            case ADAGRAD -> LocalOptimizers.adagrad(schedule(o), o.epsilon(), o.accumulatorDecay());
            case FTRL -> LocalOptimizers.ftrl(o.learningRate(), o.beta(), o.l1(), o.l2());
        };
    }

    private static LearningRate schedule(JobSpec.OptimizerSpec o) {
        return switch (o.schedule()) {
            case CONSTANT -> LearningRate.constant(o.learningRate());
            case INVSQRT -> LearningRate.inverseSqrt(o.learningRate(), o.decay());
            case INVERSE -> LearningRate.inverse(o.learningRate(), o.decay());
        };
    }
}
