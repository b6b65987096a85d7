package org.fedflink.config;

import static java.util.Map.entry;
import static org.fedflink.config.SpecBinder.atLeast;
import static org.fedflink.config.SpecBinder.between;
import static org.fedflink.config.SpecBinder.greaterThan;
import static org.fedflink.config.SpecBinder.halfOpen;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.fedflink.config.SpecBinder.Field;
import org.fedflink.config.SpecBinder.Text;

/**
 * Every job spec key with its default and the values it allows on its own: the table
 * {@code docs/job-spec.md} documents and {@link SpecBinder} applies. The rules that relate keys to
 * each other are in {@link JobSpecRules}.
 */
final class JobSpecKeys {
    static final int MAX_FEATURES = 100_000_000;

    private static final Text JOB_NAME = new Text(
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"),
            "1 to 64 letters, digits, '.', '_' or '-' starting with a letter or digit");

    private static final Text PATH = new Text(Pattern.compile("(?s).*\\S.*"), "a non-empty path");

    private static final Text FIELD_NAME = new Text(Pattern.compile("[^\\p{Cntrl}]+"),
            "a non-empty field name without control characters, or none");

    private static final Text LABEL_NAME = new Text(Pattern.compile("[^\\p{Cntrl}]+"),
            "a non-empty label without control characters");

    /** A holdout's name becomes part of metrics.csv columns and chart titles. */
    private static final Text HOLDOUT_NAME = new Text(Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}"),
            "1 to 64 letters, digits, '_' or '-' starting with a letter or digit");

    /** The broker {@code bin/fedflink kafka start} runs. */
    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
    /** {@code output.models.keepLast} and {@code keepEvery} of an unbounded input, when unset. */
    public static final int UNBOUNDED_KEEP = 1000;
    /** {@code output.files.rollMegabytes} of an unbounded input, when unset. */
    public static final int UNBOUNDED_ROLL_MEGABYTES = 64;
    /** {@code output.files.keepFiles} of an unbounded input, when unset. */
    public static final int UNBOUNDED_KEEP_FILES = 16;

    /** Kafka's legal topic names. */
    private static final Text TOPIC = new Text(Pattern.compile("[A-Za-z0-9._-]{1,249}"),
            "a Kafka topic name: 1 to 249 letters, digits, '.', '_' or '-'");

    private static final Text SERVERS = new Text(Pattern.compile("[^\\s,]+:\\d+(,[^\\s,]+:\\d+)*"),
            "host:port[,host:port...] without spaces");

    private static final Text CLIENT_NAME = new Text(Pattern.compile("[A-Za-z0-9._-]{1,200}"),
            "1 to 200 letters, digits, '.', '_' or '-'");

    private static final Text DELIMITER = new Text(Pattern.compile("[^\"\\r\\n]"),
            "a single character other than a double quote or a line break");

    static final Map<String, Field> FIELDS = Map.ofEntries(
            entry("job", Field.required(JOB_NAME)),
            entry("mode", Field.optional(JobSpec.Mode.FEDAVG)),
            entry("seed", Field.optional(42L)),

            entry("input.type", Field.optional(JobSpec.InputType.GENERATOR)),
            entry("input.path", Field.optional(null, PATH)),
            entry("input.parallelism", Field.optional(1, between(1, 1024))),
            entry("input.ratePerSecond", Field.optional(0.0, SpecBinder.atLeast(0.0))),
            entry("input.unknownFields", Field.optional(JobSpec.UnknownFields.IGNORE)),
            entry("input.readBy", Field.optional(JobSpec.ReadBy.AUTO)),
            entry("input.labelsPath", Field.optional(null, PATH)),
            entry("input.labelNames", Field.optional(List.of(), LABEL_NAME)),
            entry("input.watermarkDelayMillis", Field.optional(0L, atLeast(0))),
            entry("input.passes", Field.optional(1, atLeast(1))),
            entry("input.shuffle", Field.optional(false)),
            entry("input.monitor", Field.optional(false)),
            entry("input.monitorIntervalMillis", Field.optional(1000L, atLeast(1))),
            entry("input.maxLineBytes", Field.optional(1 << 20, between(16, 1 << 30))),
            entry("input.eventIntervalMillis", Field.optional(10L, atLeast(0))),
            entry("input.startTimeMillis", Field.optional(1_700_000_000_000L, atLeast(0))),
            entry("input.fields.source", Field.optional("source", FIELD_NAME)),
            entry("input.fields.time", Field.optional("time", FIELD_NAME)),
            entry("input.fields.label", Field.optional("label", FIELD_NAME)),
            entry("input.fields.features", Field.optional("features", FIELD_NAME)),
            entry("input.fields.indices", Field.optional("indices", FIELD_NAME)),
            entry("input.fields.values", Field.optional("values", FIELD_NAME)),
            entry("input.fields.text", Field.optional("text", FIELD_NAME)),
            entry("input.csv.header", Field.optional(true)),
            entry("input.csv.delimiter", Field.optional(",", DELIMITER)),
            entry("input.csv.ignore", Field.optional(List.of(), FIELD_NAME)),
            entry("input.libsvm.indexBase", Field.optional(1, between(0, 1))),
            entry("input.hashing.bits", Field.optional(0, between(0, 30))),
            entry("input.hashing.ngrams", Field.optional(1, between(1, 5))),
            entry("input.hashing.lowercase", Field.optional(true)),
            entry("input.scaling.type", Field.optional(JobSpec.Scaling.NONE)),
            entry("input.scaling.divisor", Field.optional(1.0, greaterThan(0))),
            entry("input.scaling.examples", Field.optional(10_000, atLeast(1))),
            entry("input.partition.scheme", Field.optional(JobSpec.PartitionScheme.NONE)),
            entry("input.partition.sources", Field.optional(100, between(1, 10_000_000))),
            entry("input.partition.alpha", Field.optional(0.5, greaterThan(0))),
            entry("input.partition.shardsPerSource", Field.optional(2, atLeast(1))),
            entry("input.generator.examples", Field.optional(100_000L, atLeast(1))),
            entry("input.generator.sources", Field.optional(20, atLeast(1))),
            entry("input.generator.labelSkew", Field.optional(0.5, greaterThan(0))),
            entry("input.generator.featureShift", Field.optional(0.5, SpecBinder.atLeast(0.0))),
            entry("input.generator.classSeparation", Field.optional(3.0, greaterThan(0))),
            entry("input.generator.noise", Field.optional(1.0, greaterThan(0))),
            entry("input.generator.corruptFraction", Field.optional(0.0, halfOpen(0, 1))),
            entry("input.generator.eventIntervalMillis", Field.optional(10L, atLeast(0))),
            entry("input.generator.startTimeMillis", Field.optional(1_700_000_000_000L, atLeast(0))),
            entry("input.generator.ratePerSecond", Field.optional(0.0, SpecBinder.atLeast(0.0))),
            entry("input.kafka.bootstrapServers", Field.optional(DEFAULT_BOOTSTRAP, SERVERS)),
            entry("input.kafka.topic", Field.optional(null, TOPIC)),
            entry("input.kafka.groupId", Field.optional(null, CLIENT_NAME)),
            entry("input.kafka.startingOffsets", Field.optional(JobSpec.StartingOffsets.EARLIEST)),
            entry("input.kafka.startingTimestampMillis", Field.optional(0L, atLeast(0))),
            entry("input.kafka.bounded", Field.optional(false)),
            entry("input.kafka.idleTimeoutMillis", Field.optional(10_000L, atLeast(0))),
            entry("input.kafka.ratePerSecond", Field.optional(0.0, SpecBinder.atLeast(0.0))),
            entry("input.kafka.format", Field.optional(JobSpec.KafkaFormat.JSONL)),
            // checked entry by entry in InputOutputRules, by messages that never repeat a (maybe secret) value
            entry("input.kafka.properties", Field.optional(List.of())),

            entry("model.type", Field.required()),
            entry("model.features", Field.required(between(1, MAX_FEATURES))),
            // Checked against the model type in JobSpecRules: ignored for linear, 2 for logistic.
            entry("model.classes", Field.optional(2)),
            entry("model.l2", Field.optional(0.0, SpecBinder.atLeast(0.0))),
            entry("model.hidden", Field.optional(List.of(), between(1, 1 << 16))),

            entry("optimizer.type", Field.optional(JobSpec.OptimizerType.SGD)),
            entry("optimizer.learningRate", Field.optional(0.05, greaterThan(0))),
            // null: invsqrt, or constant for ftrl (JobSpecRules.resolveSchedule)
            entry("optimizer.schedule", Field.optional(null)),
            entry("optimizer.decay", Field.optional(0.001, SpecBinder.atLeast(0.0))),
            entry("optimizer.momentum", Field.optional(0.9, halfOpen(0, 1))),
            entry("optimizer.epsilon", Field.optional(1.0e-8, greaterThan(0))),
            entry("optimizer.accumulatorDecay", Field.optional(1.0, SpecBinder.leftOpen(0, 1))),
            entry("optimizer.beta", Field.optional(1.0, greaterThan(0))),
            entry("optimizer.l1", Field.optional(0.0, SpecBinder.atLeast(0.0))),
            entry("optimizer.l2", Field.optional(0.0, SpecBinder.atLeast(0.0))),

            entry("rounds.localExamples", Field.optional(20, atLeast(1))),
            entry("rounds.eventTimeMillis", Field.optional(60_000L, atLeast(0))),
            // null: the server sizes rounds from the sources active lately (federation/RoundSize)
            entry("rounds.updatesPerRound", Field.optional(null, atLeast(1))),
            entry("rounds.timeoutMillis", Field.optional(2000L, atLeast(0))),
            entry("rounds.feedback", Field.optional(JobSpec.Feedback.CHANNEL)),
            entry("rounds.maxStaleness", Field.optional(0L, atLeast(0))),
            entry("rounds.countStaleness", Field.optional(0L, atLeast(0))),
            entry("rounds.minSources", Field.optional(1, atLeast(1))),
            entry("rounds.sampleFraction", Field.optional(1.0, SpecBinder.leftOpen(0, 1))),

            // Defaults are Flower's (docs/strategies.md); null: the strategy's own default, or unset.
            entry("aggregation.strategy", Field.optional(JobSpec.Strategy.FEDAVG)),
            entry("aggregation.serverLearningRate", Field.optional(1.0, greaterThan(0))),
            entry("aggregation.shards", Field.optional(1, between(1, 1024))),
            entry("aggregation.serverMomentum", Field.optional(0.0, halfOpen(0, 1))),
            entry("aggregation.eta", Field.optional(null, greaterThan(0))),
            entry("aggregation.beta1", Field.optional(null, halfOpen(0, 1))),
            entry("aggregation.beta2", Field.optional(0.99, halfOpen(0, 1))),
            entry("aggregation.tau", Field.optional(null, greaterThan(0))),
            entry("aggregation.biasCorrection", Field.optional(true)),
            entry("aggregation.trimBeta", Field.optional(0.2, halfOpen(0, 0.5))),
            entry("aggregation.byzantineUpdates", Field.optional(0, between(0, 1 << 20))),
            entry("aggregation.selectedUpdates", Field.optional(null, between(1, 1 << 20))),
            entry("aggregation.maxUpdateNorm", Field.optional(null, greaterThan(0))),
            entry("aggregation.clippingNorm", Field.optional(null, greaterThan(0))),
            entry("aggregation.noiseMultiplier", Field.optional(null, SpecBinder.atLeast(0.0))),
            entry("aggregation.initialClippingNorm", Field.optional(0.1, greaterThan(0))),
            entry("aggregation.clippingNormQuantile", Field.optional(0.5, SpecBinder.closed(0, 1))),
            entry("aggregation.clipLearningRate", Field.optional(0.2, greaterThan(0))),
            entry("aggregation.clippedCountStddev", Field.optional(null, SpecBinder.atLeast(0.0))),
            entry("aggregation.dpDelta", Field.optional(1.0e-5, SpecBinder.open(0, 1))),
            entry("aggregation.stalenessWeight", Field.optional(JobSpec.StalenessFunction.INVERSE_SQRT)),
            entry("aggregation.stalenessExponent", Field.optional(0.5, SpecBinder.atLeast(0.0))),
            entry("aggregation.proximalMu", Field.optional(null, SpecBinder.atLeast(0.0))),
            entry("aggregation.reputation", Field.optional(false)),
            entry("aggregation.reputationDecay", Field.optional(0.9, halfOpen(0, 1))),
            entry("aggregation.coordinateMean", Field.optional(true)),
            entry("aggregation.serverStep", Field.optional(JobSpec.ServerStep.MEAN)),

            entry("trainer.parallelism", Field.optional(2, between(1, 1024))),
            entry("trainer.cacheSize", Field.optional(null, atLeast(1))),
            entry("trainer.cacheMegabytes", Field.optional(64, between(1, 1 << 20))),
            entry("trainer.state", Field.optional(JobSpec.StateLayout.AUTO)),

            entry("evaluation.baseline", Field.optional(List.of())),
            entry("evaluation.holdout", Field.optional(2000, atLeast(0))),
            entry("evaluation.holdoutPath", Field.optional(null, PATH)),
            entry("evaluation.holdoutLabelsPath", Field.optional(null, PATH)),
            entry("evaluation.holdouts", Field.optional(Map.of(), HOLDOUT_NAME)),
            entry("evaluation.holdouts.*.path", Field.required(PATH)),
            entry("evaluation.holdouts.*.labelsPath", Field.optional(null, PATH)),
            entry("evaluation.intervalMillis", Field.optional(1000L, atLeast(0))),
            entry("evaluation.windowExamples", Field.optional(10_000L, between(1, 1_000_000))),
            entry("evaluation.report", Field.optional(true)),

            entry("checkpoint.intervalMillis", Field.optional(2000L, atLeast(0))),
            entry("checkpoint.dir", Field.optional(null, PATH)),
            entry("output.predictions", Field.optional(false)),
            entry("output.kafka.bootstrapServers", Field.optional(null, SERVERS)),
            entry("output.kafka.modelTopic", Field.optional(null, TOPIC)),
            entry("output.kafka.deadLetterTopic", Field.optional(null, TOPIC)),
            entry("output.kafka.transactionalIdPrefix", Field.optional(null, CLIENT_NAME)),
            entry("output.kafka.properties", Field.optional(List.of())),
            entry("output.models.keepLast", Field.optional(null, atLeast(0))),
            entry("output.models.keepEvery", Field.optional(null, atLeast(0))),
            entry("output.models.intervalMillis", Field.optional(null, atLeast(0))),
            entry("output.files.rollMegabytes", Field.optional(null, between(0, 1 << 20))),
            entry("output.files.keepFiles", Field.optional(null, atLeast(0))),


            entry("attack.fraction", Field.optional(0.0, SpecBinder.closed(0, 1))),
            entry("attack.type", Field.optional(JobSpec.AttackType.SIGNFLIP)),
            entry("attack.scale", Field.optional(10.0)),
            entry("attack.noiseStddev", Field.optional(1.0, greaterThan(0))),

            entry("localDp.clippingNorm", Field.optional(null, greaterThan(0))),
            entry("localDp.noiseMultiplier", Field.optional(1.0, SpecBinder.atLeast(0.0))),

            entry("drift.detector", Field.optional(JobSpec.Detector.ADWIN)),
            entry("drift.delta", Field.optional(0.002, SpecBinder.open(0, 1))),
            entry("drift.threshold", Field.optional(50.0, greaterThan(0))),
            entry("drift.perSource", Field.optional(true)),
            entry("drift.global", Field.optional(true)),
            // bound by JobSpecLoader, task by task (see Tasks)
            entry("tasks", Field.optional(List.of())));

    private JobSpecKeys() {}
}
