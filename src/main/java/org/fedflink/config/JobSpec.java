package org.fedflink.config;

import java.io.Serializable;

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
        CheckpointSpec checkpoint)
        implements Serializable {

    /** How sources learn together. */
    public enum Mode { FEDAVG, CENTRALIZED }

    public enum InputType { GENERATOR, JSONL }

    public enum OptimizerType { SGD, MOMENTUM, ADAGRAD }

    public enum Schedule { CONSTANT, INVSQRT, INVERSE }

    public enum Strategy { FEDAVG }

    public enum Baseline { NONE, CENTRALIZED }

    /** Where examples come from. {@code path} is used by file inputs, {@code generator} by the generator. */
    public record InputSpec(InputType type, String path, GeneratorSpec generator, long watermarkDelayMillis)
            implements Serializable {}

    /** The built-in synthetic data: a planted model over non-IID sources. */
    public record GeneratorSpec(
            long examples,
            int sources,
            double labelSkew,
            double featureShift,
            double classSeparation,
            double noise,
            double corruptFraction,
            long eventIntervalMillis,
            long startTimeMillis,
            double ratePerSecond)
            implements Serializable {}

    public record ModelSection(org.fedflink.model.ModelType type, int features, int classes, double l2)
            implements Serializable {
        public org.fedflink.model.ModelSpec toSpec() {
            return new org.fedflink.model.ModelSpec(type, features, classes, l2);
        }
    }

    public record OptimizerSpec(
            OptimizerType type, double learningRate, Schedule schedule, double decay, double momentum, double epsilon)
            implements Serializable {}

    /** When trainers report and when the server closes a round. */
    public record RoundsSpec(int localExamples, long eventTimeMillis, int updatesPerRound, long timeoutMillis)
            implements Serializable {}

    public record AggregationSpec(Strategy strategy, double serverLearningRate, int shards) implements Serializable {}

    public record TrainerSpec(int parallelism, int cacheSize) implements Serializable {}

    public record EvaluationSpec(Baseline baseline, int holdout, String holdoutPath, long intervalMillis)
            implements Serializable {}

    public record CheckpointSpec(long intervalMillis, String dir) implements Serializable {}
}
