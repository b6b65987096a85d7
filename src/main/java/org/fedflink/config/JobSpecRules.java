package org.fedflink.config;

import static java.util.Map.entry;
import static org.fedflink.config.SpecBinder.atLeast;
import static org.fedflink.config.SpecBinder.between;
import static org.fedflink.config.SpecBinder.greaterThan;
import static org.fedflink.config.SpecBinder.halfOpen;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.fedflink.aggregate.AggregationStrategy;
import org.fedflink.config.JobSpec.AggregationSpec;
import org.fedflink.config.JobSpec.InputSpec;
import org.fedflink.config.JobSpec.ModelSection;
import org.fedflink.config.SpecBinder.Field;
import org.fedflink.config.SpecBinder.Text;

/**
 * Defaults and allowed values of every job spec key (the table {@code docs/job-spec.md} documents),
 * and the rules that relate keys to each other.
 */
final class JobSpecRules {
    /** Largest number of model parameters: the largest Java array. */
    static final long MAX_PARAMS = Integer.MAX_VALUE - 8;

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
            // checked entry by entry in finish(), by messages that never repeat a (maybe secret) value
            entry("input.kafka.properties", Field.optional(List.of())),

            entry("model.type", Field.required()),
            entry("model.features", Field.required(between(1, MAX_FEATURES))),
            // Checked against the model type in finish(): ignored for linear, 2 for logistic.
            entry("model.classes", Field.optional(2)),
            entry("model.l2", Field.optional(0.0, SpecBinder.atLeast(0.0))),
            entry("model.hidden", Field.optional(List.of(), between(1, 1 << 16))),

            entry("optimizer.type", Field.optional(JobSpec.OptimizerType.SGD)),
            entry("optimizer.learningRate", Field.optional(0.05, greaterThan(0))),
            // null: invsqrt, or constant for ftrl (checkOptimizer)
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
            // null: the server sizes rounds from the sources active lately (aggregate/RoundSize)
            entry("rounds.updatesPerRound", Field.optional(null, atLeast(1))),
            entry("rounds.timeoutMillis", Field.optional(2000L, atLeast(0))),
            entry("rounds.feedback", Field.optional(JobSpec.Feedback.CHANNEL)),
            entry("rounds.maxStaleness", Field.optional(0L, atLeast(0))),
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

    private JobSpecRules() {}

    /** Applies the rules that relate keys to each other, and normalises keys that do not apply. */
    static JobSpec finish(JobSpec spec) throws JobSpecException {
        ModelSection model = checkModel(spec.model());
        InputSpec input = spec.input();
        if (input.isFile()) {
            checkFileInput(input, model);
        } else if (input.path() != null) {
            // Ignored for the generator and Kafka, so that --set input.type=generator works on a file spec.
            input = input.withPath(null);
        }
        if (input.isKafka()) {
            input = checkKafkaInput(spec.job(), input, model);
        }
        JobSpec.OutputSpec output = checkKafkaOutput(spec, input);
        if (spec.evaluation().holdoutPath() != null && input.type() == JobSpec.InputType.IDX
                && spec.evaluation().holdoutLabelsPath() == null) {
            throw new JobSpecException("key 'evaluation.holdoutLabelsPath' is required when input.type is idx"
                    + " and evaluation.holdoutPath is set (the IDX labels file of the holdout images)");
        }
        if (!spec.evaluation().holdouts().isEmpty() && input.type() == JobSpec.InputType.GENERATOR) {
            throw new JobSpecException("key 'evaluation.holdouts' needs a file or Kafka input, in whose format its"
                    + " files are read; the generator's holdout is evaluation.holdout generated examples");
        }
        checkLabelNames(input, model);
        AggregationSpec aggregation = spec.aggregation();
        int params = model.toSpec().numParams(); // no overflow: checkModel caps the size
        if (aggregation.shards() > params) {
            throw new JobSpecException("key 'aggregation.shards' must be <= the model's " + params
                    + " parameters, got " + aggregation.shards());
        }
        JobSpec.OptimizerSpec optimizer = checkOptimizer(spec.optimizer(), params);
        checkStrategy(spec);
        checkTrainerState(spec, model);
        checkAttack(spec.attack(), model);
        return new JobSpec(spec.job(), spec.mode(), spec.seed(), input, model, optimizer, spec.rounds(),
                aggregation, spec.trainer(), spec.evaluation(), spec.checkpoint(), output, spec.attack(),
                spec.localDp(), spec.drift(), spec.tasks());
    }

    /**
     * A Kafka input: a topic is required; keys that only make sense for files must keep their
     * defaults; the group id defaults to {@code fedflink-<job>}.
     */
    private static InputSpec checkKafkaInput(String job, InputSpec input, ModelSection model) throws JobSpecException {
        JobSpec.KafkaInputSpec k = input.kafka();
        if (k.topic() == null) {
            throw new JobSpecException("key 'input.kafka.topic' is required when input.type is kafka");
        }
        if (input.monitor() || input.passes() != 1 || input.shuffle()) {
            throw new JobSpecException("keys 'input.monitor', 'input.passes' and 'input.shuffle' apply to files only;"
                    + " with input.type kafka they must be false, 1 and false (replay a topic with"
                    + " input.kafka.startingOffsets)");
        }
        if (input.partition().scheme() != JobSpec.PartitionScheme.NONE) {
            throw new JobSpecException("key 'input.partition.scheme' must be none when input.type is kafka (a message's"
                    + " source is its source field or, with input.fields.source none, its key; bin/fedflink produce"
                    + " partitions files into sources), got " + Messages.yamlName(input.partition().scheme()));
        }
        if (input.scaling().type() == JobSpec.Scaling.STANDARDIZE) {
            throw new JobSpecException("key 'input.scaling.type' cannot be standardize when input.type is kafka"
                    + " (there is no data to estimate from before the job starts); use divide or none");
        }
        if (k.format() == JobSpec.KafkaFormat.CSV && !input.csv().ignore().isEmpty()) {
            throw new JobSpecException("key 'input.csv.ignore' names header columns, but kafka csv messages are"
                    + " headerless rows");
        }
        if (k.startingOffsets() == JobSpec.StartingOffsets.TIMESTAMP && k.startingTimestampMillis() <= 0) {
            throw new JobSpecException("key 'input.kafka.startingTimestampMillis' must be > 0 (epoch milliseconds)"
                    + " when input.kafka.startingOffsets is timestamp");
        }
        KafkaProperties.parse(k.properties(), "input.kafka.properties");
        int bits = input.hashing().bits();
        if (bits > 0 && model.features() != (1 << bits)) {
            throw new JobSpecException("key 'model.features' must be 2^input.hashing.bits = " + (1 << bits)
                    + " when text is hashed, got " + model.features());
        }
        String group = k.groupId() != null ? k.groupId() : "fedflink-" + job;
        JobSpec.KafkaInputSpec resolved = new JobSpec.KafkaInputSpec(k.bootstrapServers(), k.topic(), group,
                k.startingOffsets(), k.startingTimestampMillis(), k.bounded(), k.idleTimeoutMillis(), k.ratePerSecond(),
                k.format(), k.properties());
        return input.withKafka(resolved);
    }

    /**
     * Kafka outputs commit their transactions on checkpoints, so they need checkpointing; the
     * servers default to the Kafka input's (or the local broker), the transactional id prefix to
     * {@code fedflink-<job>}.
     */
    private static JobSpec.OutputSpec checkKafkaOutput(JobSpec spec, InputSpec input) throws JobSpecException {
        JobSpec.KafkaOutputSpec k = spec.output().kafka();
        KafkaProperties.parse(k.properties(), "output.kafka.properties");
        if (!k.enabled()) {
            if (spec.rounds().feedback() == JobSpec.Feedback.KAFKA) {
                throw new JobSpecException("key 'output.kafka.modelTopic' is required when rounds.feedback is kafka"
                        + " (the trainers read the global models from it)");
            }
            return spec.output();
        }
        if (spec.rounds().feedback() == JobSpec.Feedback.KAFKA && k.modelTopic() == null) {
            throw new JobSpecException("key 'output.kafka.modelTopic' is required when rounds.feedback is kafka"
                    + " (the trainers read the global models from it)");
        }
        if (spec.checkpoint().intervalMillis() <= 0) {
            throw new JobSpecException("key 'checkpoint.intervalMillis' must be > 0 with output.kafka topics (their"
                    + " transactions commit on checkpoints), got " + spec.checkpoint().intervalMillis());
        }
        if (k.modelTopic() != null && k.modelTopic().equals(k.deadLetterTopic())) {
            throw new JobSpecException("keys 'output.kafka.modelTopic' and 'output.kafka.deadLetterTopic' must differ,"
                    + " both are '" + k.modelTopic() + "'");
        }
        if (input.isKafka() && (input.kafka().topic().equals(k.modelTopic())
                || input.kafka().topic().equals(k.deadLetterTopic()))) {
            throw new JobSpecException("key 'input.kafka.topic' must differ from the output.kafka topics, got '"
                    + input.kafka().topic() + "' for both");
        }
        String servers = k.bootstrapServers() != null ? k.bootstrapServers()
                : input.isKafka() ? input.kafka().bootstrapServers() : DEFAULT_BOOTSTRAP;
        String prefix = k.transactionalIdPrefix() != null ? k.transactionalIdPrefix() : "fedflink-" + spec.job();
        return new JobSpec.OutputSpec(spec.output().predictions(), new JobSpec.KafkaOutputSpec(
                servers, k.modelTopic(), k.deadLetterTopic(), prefix, k.properties()));
    }

    /**
     * The schedule of an unset {@code optimizer.schedule}: {@code invsqrt}, or {@code constant} for
     * FTRL, whose per-coordinate step sizes are its schedule (a second, global decay on top would
     * only be a second way to shrink them, so it is refused rather than silently ignored). FTRL's
     * two floats of state per parameter must fit one array.
     */
    private static JobSpec.OptimizerSpec checkOptimizer(JobSpec.OptimizerSpec o, int params)
            throws JobSpecException {
        if (o.type() != JobSpec.OptimizerType.FTRL) {
            return o.schedule() == null ? o.withSchedule(JobSpec.Schedule.INVSQRT) : o;
        }
        if (o.schedule() != null && o.schedule() != JobSpec.Schedule.CONSTANT) {
            throw new JobSpecException("key 'optimizer.schedule' must be constant or unset with optimizer.type ftrl"
                    + " (its step sizes learningRate / (beta + sqrt(n)) shrink per coordinate), got "
                    + Messages.yamlName(o.schedule()));
        }
        if (params > org.fedflink.model.Ftrl.MAX_PARAMS) {
            throw new JobSpecException("optimizer.type ftrl keeps 2 floats of state per parameter, so it takes at most "
                    + org.fedflink.model.Ftrl.MAX_PARAMS + " parameters; the model has " + params);
        }
        return o.withSchedule(JobSpec.Schedule.CONSTANT);
    }

    /**
     * The strategy's knobs (checked by building it), and what the federated loop must offer it:
     * rounds of at least {@code minUpdates()} updates, and one shard for the rules that select or
     * clip by the full update vector. A centralized job keeps its own rule, so only the knobs are
     * checked there.
     */
    /** A sparse trainer state holds linear models trained with plain local steps only. */
    private static void checkTrainerState(JobSpec spec, ModelSection model) throws JobSpecException {
        if (spec.trainer().state() != JobSpec.StateLayout.SPARSE) {
            return;
        }
        if (model.type() == org.fedflink.model.ModelType.MLP) {
            throw new JobSpecException("key 'trainer.state' cannot be sparse for an mlp (every step moves every"
                    + " weight); use auto or dense");
        }
        switch (spec.aggregation().strategy()) {
            case FEDPROX, FEDSGD, SCAFFOLD -> throw new JobSpecException("key 'trainer.state' cannot be sparse with"
                    + " aggregation.strategy " + Messages.yamlName(spec.aggregation().strategy())
                    + " (its local steps move every coordinate); use auto or dense");
            default -> { }
        }
    }

    private static void checkStrategy(JobSpec spec) throws JobSpecException {
        AggregationStrategy strategy = StrategyFactory.create(spec);
        if (spec.mode() != JobSpec.Mode.FEDAVG) {
            return;
        }
        AggregationSpec a = spec.aggregation();
        String name = Messages.yamlName(a.strategy());
        Integer updates = spec.rounds().updatesPerRound();
        // rounds the server sizes itself are never smaller than the strategy needs
        if (updates != null && updates < strategy.minUpdates()) {
            String knobs = switch (a.strategy()) {
                case MULTIKRUM -> " with byzantineUpdates " + a.byzantineUpdates() + " and selectedUpdates "
                        + ((org.fedflink.aggregate.MultiKrum) strategy).selectedUpdates();
                case KRUM, BULYAN -> " with byzantineUpdates " + a.byzantineUpdates();
                default -> "";
            };
            throw new JobSpecException(name + knobs + " needs rounds.updatesPerRound >= " + strategy.minUpdates()
                    + ", got " + updates);
        }
        if (strategy.requiresSingleShard() && a.shards() > 1) {
            String why = switch (a.strategy()) {
                case DPFIXED, DPADAPTIVE -> "clipping and noise need the whole update";
                default -> "it selects updates by distances between whole updates";
            };
            throw new JobSpecException(name + " needs aggregation.shards = 1 (" + why + "), got " + a.shards());
        }
        checkLocalRule(spec);
        if (a.reputation() && updates != null && updates < 3) {
            throw new JobSpecException("key 'aggregation.reputation' needs rounds.updatesPerRound >= 3 (scores compare"
                    + " each update with the round's median), got " + updates);
        }
        JobSpec.RoundsSpec rounds = spec.rounds();
        if (spec.input().type() == JobSpec.InputType.GENERATOR
                && rounds.minSources() > spec.input().generator().sources()) {
            throw new JobSpecException("key 'rounds.minSources' must be <= input.generator.sources ("
                    + spec.input().generator().sources() + "), got " + rounds.minSources()
                    + ": no round could ever close");
        }
    }

    /** What the strategies that change the local step need from the trainers. */
    private static void checkLocalRule(JobSpec spec) throws JobSpecException {
        AggregationSpec a = spec.aggregation();
        JobSpec.OptimizerSpec o = spec.optimizer();
        switch (a.strategy()) {
            case FEDPROX -> {
                // the pull lr * mu * (w - global) overshoots the global model at lr * mu >= 1
                double pull = o.learningRate() * a.proximalMu();
                if (pull >= 1) {
                    throw new JobSpecException("key 'aggregation.proximalMu' times optimizer.learningRate must be < 1"
                            + " (the proximal pull would overshoot the global model), got "
                            + SpecBinder.plain(a.proximalMu()) + " * " + SpecBinder.plain(o.learningRate()));
                }
            }
            case FEDSGD -> {
                if (o.type() != JobSpec.OptimizerType.SGD) {
                    throw new JobSpecException("fedsgd needs optimizer.type sgd (sources send plain gradient steps),"
                            + " got " + Messages.yamlName(o.type()));
                }
            }
            case SCAFFOLD -> {
                if (spec.localDp().enabled()) {
                    throw new JobSpecException("scaffold cannot run with localDp (its control variates would"
                            + " leave the sources without noise); unset localDp.clippingNorm or pick another"
                            + " strategy");
                }
                if (spec.rounds().feedback() != JobSpec.Feedback.CHANNEL) {
                    throw new JobSpecException("scaffold needs rounds.feedback channel (the server control variate"
                            + " travels with the in-job feedback, not in model messages), got "
                            + Messages.yamlName(spec.rounds().feedback()));
                }
            }
            default -> { }
        }
    }

    /** Label flipping needs classes to flip. */
    private static void checkAttack(JobSpec.AttackSpec attack, ModelSection model) throws JobSpecException {
        if (attack.enabled() && attack.type() == JobSpec.AttackType.LABELFLIP
                && model.type() == org.fedflink.model.ModelType.LINEAR) {
            throw new JobSpecException("key 'attack.type' labelflip needs a classifier (logistic, softmax or mlp),"
                    + " got model.type linear");
        }
    }

    private static void checkFileInput(InputSpec input, ModelSection model) throws JobSpecException {
        String type = Messages.yamlName(input.type());
        if (input.path() == null) {
            throw new JobSpecException("key 'input.path' is required when input.type is " + type);
        }
        if (input.type() == JobSpec.InputType.IDX && input.labelsPath() == null) {
            throw new JobSpecException(
                    "key 'input.labelsPath' is required when input.type is idx (the IDX labels file of the images)");
        }
        boolean hasSourceField = switch (input.type()) {
            case JSONL, CSV -> !JobSpec.FieldsSpec.NONE.equals(input.fields().source());
            default -> false;
        };
        if (!hasSourceField && input.partition().scheme() == JobSpec.PartitionScheme.NONE) {
            String why = input.type() == JobSpec.InputType.JSONL || input.type() == JobSpec.InputType.CSV
                    ? "input.fields.source is none"
                    : type + " data has no source field";
            throw new JobSpecException("key 'input.partition.scheme' must be iid, dirichlet, shards or quantity"
                    + " when " + why + " (rows are dealt to input.partition.sources simulated sources)");
        }
        if (input.monitor()) {
            if (input.type() == JobSpec.InputType.IDX) {
                throw new JobSpecException("key 'input.monitor' cannot be true for idx input (a fixed pair of files)");
            }
            if (input.passes() != 1 || input.shuffle()) {
                throw new JobSpecException("keys 'input.passes' and 'input.shuffle' apply to bounded files only;"
                        + " with input.monitor true they must be 1 and false");
            }
            JobSpec.PartitionScheme scheme = input.partition().scheme();
            if (scheme != JobSpec.PartitionScheme.NONE && scheme != JobSpec.PartitionScheme.IID) {
                throw new JobSpecException("key 'input.partition.scheme' must be none or iid with input.monitor true"
                        + " (a " + Messages.yamlName(scheme) + " split needs every label up front), got "
                        + Messages.yamlName(scheme));
            }
            if (input.parallelism() != 1) {
                throw new JobSpecException("key 'input.parallelism' must be 1 with input.monitor true (one reader"
                        + " reads the new files in name order), got " + input.parallelism());
            }
            if (input.ratePerSecond() > 0) {
                throw new JobSpecException("key 'input.ratePerSecond' applies to bounded files; a monitored directory"
                        + " is read as its files arrive");
            }
        }
        if (input.type() == JobSpec.InputType.CSV && !input.csv().header() && !input.csv().ignore().isEmpty()) {
            throw new JobSpecException("key 'input.csv.ignore' names header columns, so it needs input.csv.header true");
        }
        int bits = input.hashing().bits();
        if (bits > 0 && model.features() != (1 << bits)) {
            throw new JobSpecException("key 'model.features' must be 2^input.hashing.bits = " + (1 << bits)
                    + " when text is hashed, got " + model.features());
        }
    }

    /** Text labels name the classes in order: the i-th name is class i. */
    private static void checkLabelNames(InputSpec input, ModelSection model) throws JobSpecException {
        List<String> names = input.labelNames();
        if (names.isEmpty()) {
            return;
        }
        if (input.type() != JobSpec.InputType.JSONL && input.type() != JobSpec.InputType.CSV && !input.isKafka()) {
            throw new JobSpecException("key 'input.labelNames' applies to jsonl, csv and kafka input only ("
                    + Messages.yamlName(input.type()) + " labels are numbers)");
        }
        if (model.type() == org.fedflink.model.ModelType.LINEAR) {
            throw new JobSpecException("key 'input.labelNames' applies to classifiers only, not to a linear model");
        }
        if (names.size() != model.classes()) {
            throw new JobSpecException("key 'input.labelNames' must name model.classes = " + model.classes()
                    + " classes (the i-th name is class i), got " + names.size() + " names");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                throw new JobSpecException("key 'input.labelNames' names '" + Messages.clean(name) + "' twice");
            }
        }
    }

    private static ModelSection checkModel(ModelSection model) throws JobSpecException {
        int classes = model.classes();
        switch (model.type()) {
            case LINEAR -> classes = 2; // ignored: a linear model has one real-valued output
            case LOGISTIC -> {
                if (classes != 2) {
                    throw new JobSpecException("key 'model.classes' must be 2 for a logistic model, got " + classes);
                }
            }
            case SOFTMAX, MLP -> {
                if (classes < 2) {
                    throw Messages.mustBe("model.classes", ">= 2", Integer.toString(classes));
                }
                long maxClasses = MAX_PARAMS / (model.features() + 1L);
                if (classes > maxClasses) {
                    throw Messages.mustBe("model.classes", "<= " + maxClasses + " for " + model.features()
                            + " features (at most " + MAX_PARAMS + " parameters)", Integer.toString(classes));
                }
            }
        }
        if (model.type() == org.fedflink.model.ModelType.MLP) {
            if (model.hidden().isEmpty() || model.hidden().size() > 2) {
                throw new JobSpecException("key 'model.hidden' must list 1 or 2 hidden layer sizes for an mlp"
                        + " (such as [128] or [256, 128]), got " + model.hidden());
            }
            long params = 0;
            long in = model.features();
            for (int size : model.hidden()) {
                params += (in + 1) * size;
                in = size;
            }
            params += (in + 1) * classes;
            if (params > MAX_PARAMS) {
                throw new JobSpecException("key 'model.hidden' makes an mlp of " + params
                        + " parameters, more than " + MAX_PARAMS);
            }
        } else if (!model.hidden().isEmpty()) {
            throw new JobSpecException("key 'model.hidden' applies only to model.type mlp, got "
                    + model.hidden() + " for " + Messages.yamlName(model.type()));
        }
        return new ModelSection(model.type(), model.features(), classes, model.l2(), model.hidden());
    }
}
