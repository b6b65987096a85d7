package org.fedflink.config;

import java.io.Serializable;
import org.fedflink.drift.DetectorConfig;
import org.fedflink.drift.DriftSettings;
import org.fedflink.federation.RoundSize;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;

/**
 * A validated learning job: what {@link JobSpecLoader} returns after binding a YAML job spec,
 * applying {@code --set} overrides and defaults, and validating every value. Documented key by
 * key in {@code docs/job-spec.md}.
 */
public record JobSpec(
        String job,
        Mode mode,
        long seed,
        InputSpec input,
        ModelSection model,
        OptimizerSpec optimizer,
        RoundsSpec rounds,
        AggregationSpec aggregation,
        TrainerSpec trainer,
        EvaluationSpec evaluation,
        CheckpointSpec checkpoint,
        OutputSpec output,
        AttackSpec attack,
        LocalDpSpec localDp,
        DriftSpec drift,
        java.util.List<Task> tasks)
        implements Serializable, InputOutputSections {

    public JobSpec {
        tasks = tasks == null ? java.util.List.of() : java.util.List.copyOf(tasks);
    }

    /**
     * One learning task of a job that declares {@code tasks:}: its own model, optimizer, rounds,
     * aggregation, evaluation and label field, over the job's input; each task has its own global
     * model and versions.
     *
     * @param name the task's name: its folder under {@code tasks/} in the run folder and its operators' prefix
     * @param spec the job spec as the task sees it (the job's sections with the task's own merged in)
     */
    public record Task(String name, JobSpec spec) implements Serializable {}

    /** Whether the job declares several tasks (its run folder then has a {@code tasks/<name>/} per task). */
    public boolean isMultiTask() {
        return !tasks.isEmpty();
    }

    /**
     * The tasks to run: the declared ones, or this spec as the one unnamed task (name {@code null}) of
     * a job without {@code tasks:}.
     */
    public java.util.List<Task> runTasks() {
        return tasks.isEmpty() ? java.util.List.of(new Task(null, this)) : tasks;
    }

    /**
     * Whether the trainers read the input themselves: {@code input.readBy} trainers, or auto where
     * they can ({@link InputOutputRules#trainersCanRead}) in a job of one task.
     */
    public boolean trainersReadInput() {
        return switch (input.readBy()) {
            case TRAINERS -> true;
            case READERS -> false;
            case AUTO -> !isMultiTask() && InputOutputRules.trainersCanRead(this);
        };
    }

    /** This job with its input read by {@code readBy}. */
    public JobSpec withReadBy(ReadBy readBy) {
        return new JobSpec(job, mode, seed, input.withReadBy(readBy), model, optimizer, rounds, aggregation, trainer,
                evaluation, checkpoint, output, attack, localDp, drift, tasks);
    }

    JobSpec withTasks(java.util.List<Task> newTasks) {
        return new JobSpec(job, mode, seed, input, model, optimizer, rounds, aggregation, trainer, evaluation,
                checkpoint, output, attack, localDp, drift, newTasks);
    }

    /** How sources learn together. */
    public enum Mode { FEDAVG, CENTRALIZED }

    public enum OptimizerType { SGD, MOMENTUM, ADAGRAD, FTRL }

    /**
     * The learning-rate schedule of {@code sgd}, {@code momentum} and {@code adagrad}; {@code ftrl}
     * has per-coordinate step sizes of its own and takes only {@code constant}.
     */
    public enum Schedule { CONSTANT, INVSQRT, INVERSE }

    /**
     * The server's aggregation rule; docs/strategies.md describes each one and its knobs, and
     * {@link StrategyFactory} builds it.
     */
    public enum Strategy {
        FEDAVG, FEDAVGM, FEDADAGRAD, FEDADAM, FEDYOGI,
        FEDPROX, FEDSGD, SCAFFOLD,
        MEDIAN, TRIMMEDMEAN, KRUM, MULTIKRUM, BULYAN, NORMBOUNDING,
        DPFIXED, DPADAPTIVE,
        FEDBUFF
    }

    /** FedBuff's staleness weight {@code s(tau)}; written {@code inverse-sqrt}, {@code constant}, {@code polynomial}. */
    public enum StalenessFunction { INVERSE_SQRT, CONSTANT, POLYNOMIAL }

    /** How far FedAvg's global model moves per round: the mean update, or as far as the updates moved. */
    public enum ServerStep { MEAN, UPDATE_LENGTH }

    /** What a simulated Byzantine source does. */
    public enum AttackType { SIGNFLIP, SCALE, NOISE, LABELFLIP }

    /**
     * A learner trained beside the federated one on the same stream, for comparison: {@code centralized}
     * (one learner over the union of all sources) or {@code local} (every source alone, never
     * federated). {@code none} is accepted in a spec and means no baseline.
     */
    public enum Baseline { NONE, CENTRALIZED, LOCAL }

    public record ModelSection(
            ModelType type, int features, int classes, double l2, java.util.List<Integer> hidden)
            implements Serializable {
        public ModelSection {
            hidden = hidden == null ? java.util.List.of() : java.util.List.copyOf(hidden);
        }

        public ModelSpec toSpec() {
            return new ModelSpec(type, features, classes, l2, hidden);
        }
    }

    /**
     * The local optimizer. {@code schedule} is left null by the binder when unset and resolved by
     * {@link JobSpecRules}: {@code invsqrt}, or {@code constant} for {@code ftrl}. {@code epsilon}
     * and {@code accumulatorDecay} are Adagrad's; {@code beta},
     * {@code l1} and {@code l2} are FTRL's ({@code l2} is its own, beside {@code model.l2}).
     */
    public record OptimizerSpec(
            OptimizerType type, double learningRate, Schedule schedule, double decay, double momentum, double epsilon,
            double accumulatorDecay, double beta, double l1, double l2)
            implements Serializable {

        OptimizerSpec withSchedule(Schedule newSchedule) {
            return new OptimizerSpec(type, learningRate, newSchedule, decay, momentum, epsilon, accumulatorDecay, beta,
                    l1, l2);
        }
    }

    /**
     * How global models reach the trainers: the in-job channel from each aggregator to a co-located
     * feedback source, or the Kafka model topic ({@code output.kafka.modelTopic}).
     */
    public enum Feedback { CHANNEL, KAFKA }

    /**
     * When trainers report and when the server closes a round; how the trainers get the new model;
     * how old an update may be.
     */
    public record RoundsSpec(int localExamples, long eventTimeMillis, Integer updatesPerRound, long timeoutMillis,
            Feedback feedback, long maxStaleness, long countStaleness, int minSources, double sampleFraction)
            implements Serializable {

        /**
         * The round size the strategy's knobs default from: {@code updatesPerRound}, or, when the
         * server sizes rounds itself (null), {@link org.fedflink.federation.RoundSize#MIN}.
         */
        public int nominalUpdatesPerRound() {
            return updatesPerRound != null ? updatesPerRound : RoundSize.MIN;
        }
    }

    /**
     * The server rule and its knobs, named as in docs/strategies.md (Flower's names in camelCase).
     * A knob whose default depends on the strategy (Flower's FedAdam and FedYogi differ) or that has
     * none is a boxed number, {@code null} meaning "the strategy's default" or "not set";
     * {@link StrategyFactory} resolves them. Knobs the chosen strategy does not use are ignored.
     */
    public record AggregationSpec(
            Strategy strategy,
            double serverLearningRate,
            int shards,
            double serverMomentum,
            Double eta,
            Double beta1,
            double beta2,
            Double tau,
            boolean biasCorrection,
            double trimBeta,
            int byzantineUpdates,
            Integer selectedUpdates,
            Double maxUpdateNorm,
            Double clippingNorm,
            Double noiseMultiplier,
            double initialClippingNorm,
            double clippingNormQuantile,
            double clipLearningRate,
            Double clippedCountStddev,
            double dpDelta,
            StalenessFunction stalenessWeight,
            double stalenessExponent,
            Double proximalMu,
            boolean reputation,
            double reputationDecay,
            boolean coordinateMean,
            ServerStep serverStep)
            implements Serializable {}

    /**
     * A simulated attack for measuring defences: about {@code fraction} of the sources (chosen by
     * the job's seed and each source's name) are Byzantine and corrupt what they send.
     */
    public record AttackSpec(double fraction, AttackType type, double scale, double noiseStddev)
            implements Serializable {
        /** Whether any source is attacking. */
        public boolean enabled() {
            return fraction > 0;
        }
    }

    /**
     * Local differential privacy: every update is clipped to {@code clippingNorm} and noised by its
     * source before it leaves the trainer ({@code null} clipping norm: off).
     */
    public record LocalDpSpec(Double clippingNorm, double noiseMultiplier) implements Serializable {
        /** Whether updates are privatized at their source. */
        public boolean enabled() {
            return clippingNorm != null;
        }
    }

    /**
     * @param cacheSize sources a trainer subtask keeps in memory, or null to size the cache from
     *     {@code cacheMegabytes}
     * @param cacheMegabytes the memory a trainer subtask's cache of source models may take when
     *     {@code cacheSize} is not given
     */
    public record TrainerSpec(int parallelism, Integer cacheSize, int cacheMegabytes, StateLayout state)
            implements Serializable {

        /**
         * The trainers' key groups at {@code trainers} subtasks: at least 128, so that a savepoint
         * can be resumed at up to 128 subtasks.
         */
        public static int maxParallelism(int trainers) {
            return Math.max(128, trainers);
        }
    }

    /**
     * How the trainer holds a source's model; written {@code auto}, {@code dense}, {@code sparse}.
     * {@code auto} is sparse for a linear model of at least 65,536 parameters trained without
     * local corrections (not FedProx, FedSGD or SCAFFOLD), else dense.
     */
    public enum StateLayout { AUTO, DENSE, SPARSE }

    /**
     * @param baseline the baselines trained beside the job's model ({@code none} removed, each once, in
     *     the order written)
     * @param holdouts named holdout files, each scored like {@code holdoutPath}, in the order written
     */
    public record EvaluationSpec(
            java.util.List<Baseline> baseline,
            int holdout,
            String holdoutPath,
            String holdoutLabelsPath,
            java.util.Map<String, HoldoutSpec> holdouts,
            long intervalMillis,
            long windowExamples,
            boolean report)
            implements Serializable {

        public EvaluationSpec {
            baseline = baseline == null ? java.util.List.of()
                    : baseline.stream().filter(b -> b != Baseline.NONE).distinct().toList();
            holdouts = holdouts == null ? java.util.Map.of()
                    : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(holdouts));
        }

        /** Whether {@code kind} is among the baselines. */
        public boolean has(Baseline kind) {
            return baseline.contains(kind);
        }
    }

    /**
     * One named holdout of {@code evaluation.holdouts}: written as its path, or as a section with
     * {@code path} and (for IDX images) {@code labelsPath}.
     */
    public record HoldoutSpec(String path, String labelsPath) implements Serializable {}

    public record CheckpointSpec(long intervalMillis, String dir) implements Serializable {}

    /** The detector of {@code drift.detector}; {@code none} detects nothing. */
    public enum Detector { ADWIN, PAGE_HINKLEY, NONE }

    /**
     * Concept-drift detection and adaptation: each source watches its own examples' errors
     * ({@code perSource}) and the server those of every example it folds in ({@code global}), with
     * {@code detector}; a detection restarts the optimizer of the source (or, for the server's, of
     * every source and the server). See docs/job-spec.md.
     *
     * @param delta ADWIN's confidence (its {@code delta})
     * @param threshold Page-Hinkley's threshold (its {@code lambda})
     */
    public record DriftSpec(Detector detector, double delta, double threshold, boolean perSource, boolean global)
            implements Serializable {

        /** The detection these keys describe, for the trainers and the aggregators. */
        public DriftSettings toSettings() {
            DetectorConfig config = switch (detector) {
                case ADWIN -> DriftSettings.adwin(delta);
                case PAGE_HINKLEY -> DriftSettings.pageHinkley(threshold);
                case NONE -> null;
            };
            return config == null ? DriftSettings.none()
                    : new DriftSettings(config, perSource, global);
        }
    }

}
