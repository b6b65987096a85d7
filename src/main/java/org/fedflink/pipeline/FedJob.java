package org.fedflink.pipeline;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.Partitioner;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.fedflink.artifact.RunFolder;
import org.fedflink.config.JobSpec;
import org.fedflink.config.StrategyFactory;
import org.fedflink.data.Example;
import org.fedflink.data.SyntheticGenerator;
import org.fedflink.drift.DriftSettings;
import org.fedflink.eval.LocalBaseline;
import org.fedflink.federation.AggregationStrategy;
import org.fedflink.federation.LocalDp;
import org.fedflink.federation.LocalStep;
import org.fedflink.federation.Participation;
import org.fedflink.federation.ShardLayout;
import org.fedflink.federation.Strategies;
import org.fedflink.io.FileInput;
import org.fedflink.io.Generators;
import org.fedflink.io.NameOrderSplitAssigner;
import org.fedflink.io.OrderedSource;
import org.fedflink.io.RecordSequence;
import org.fedflink.model.LearningRate;
import org.fedflink.model.LocalOptimizer;
import org.fedflink.model.LocalOptimizers;
import org.fedflink.model.ModelSpec;

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
 * With {@code evaluation.baseline: centralized} a second loop trains one learner over the union of
 * all sources on the same stream, writing to {@code baseline/} in the run folder. A job with
 * {@code tasks:} has one such loop (and baseline) per task, named {@code <task>/...} and writing
 * to {@code tasks/<task>/}; tasks that read the input alike share one reading of it.
 */
public final class FedJob {

    private FedJob() {}

    public static final String COUNTS = "counts";
    /** The key every example gets in the centralized learner. */
    public static final String CENTRALIZED_KEY = "centralized";

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
     * alike, and one learning loop (plus its baseline) per task.
     */
    public static void build(StreamExecutionEnvironment env, JobSpec spec, Path outDir) {
        List<List<JobSpec.Task>> groups = inputGroups(spec);
        for (int g = 0; g < groups.size(); g++) {
            List<JobSpec.Task> group = groups.get(g);
            // The first reading keeps the names and uids of a single-task job, so savepoints carry over.
            String inputPrefix = g == 0 ? "" : "input-" + g + "/";
            Path inputDir = g == 0 ? outDir : outDir.resolve("input-" + g);
            JobSpec first = group.get(0).spec();
            // Files are looked at here, on the client, so a file that is not its declared format fails
            // now; a Kafka input is described by its message format (and its topic is checked below).
            FileInput files = first.input().isFile() ? FileInput.prepare(first, inputDir)
                    : first.input().isKafka() ? KafkaInput.describe(first) : null;
            boolean anyFederated = group.stream().anyMatch(t -> t.spec().mode() != JobSpec.Mode.CENTRALIZED);
            boolean anyCentralized = group.stream().anyMatch(t -> t.spec().mode() == JobSpec.Mode.CENTRALIZED
                    || t.spec().evaluation().has(JobSpec.Baseline.CENTRALIZED));
            int readers = anyFederated ? first.input().parallelism() : 1;
            DataStream<Example> examples = examples(env, first, files, inputPrefix, inputDir, readers, true);
            // The centralized learner sees the input's exact order, so it is the same model run after
            // run: when parallel readers split the input by source, it reads the input again with one.
            // (Kafka partitions have no order between them to keep.)
            DataStream<Example> inOrder = readers == 1 || !anyCentralized || first.input().isKafka()
                    ? examples
                    : examples(env, first, files, inputPrefix + "in-order-", inputDir, 1, false);
            for (JobSpec.Task task : group) {
                JobSpec taskSpec = task.spec();
                ModelSpec model = taskSpec.model().toSpec();
                Loop own = Loop.of(task.name());
                String prefix = own.uidPrefix();
                Path taskOut = taskDir(outDir, task);
                // the parse options and fitted scaling, so the task's models can score new data
                // without the training input (fedflink predict)
                org.fedflink.artifact.Preprocessing.of(taskSpec, files == null ? null : files.options(),
                        files == null ? org.fedflink.data.FeatureScaler.none() : files.scaler()).write(taskOut);
                HoldoutSupplier holdout = holdout(taskSpec, files);
                boolean centralized = taskSpec.mode() == JobSpec.Mode.CENTRALIZED;
                // the model topic gets the job's (or task's) model; a baseline is for comparison only
                String modelKey = task.name() == null ? spec.job() : spec.job() + "/" + task.name();
                loop(centralized ? inOrder : examples, taskSpec, model, prefix, taskOut.toAbsolutePath().toString(),
                        holdout, centralized, modelKey);
                if (!centralized && taskSpec.evaluation().has(JobSpec.Baseline.CENTRALIZED)) {
                    Loop baseline = Loop.baselineOf(task.name());
                    loop(inOrder, taskSpec, model, baseline.uidPrefix(),
                            baseline.dir(taskOut).toAbsolutePath().toString(), holdout, true, null);
                }
                if (taskSpec.evaluation().has(JobSpec.Baseline.LOCAL)) {
                    // not "baseline-local-": the centralized baseline's trainer uid is "baseline-" + "local-trainer"
                    localOnly(examples, taskSpec, model, prefix + "local-only-",
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
     * Reads, parses and validates the input with {@code readers} readers. Every record leaves its
     * reader with its event time and the readers' watermarks; examples keep both through the ingest.
     * The {@code primary} reading writes the dead letters and the counts into {@code dir}; another
     * reading of the same input (for the centralized learner) only feeds its loops.
     */
    private static DataStream<Example> examples(StreamExecutionEnvironment env, JobSpec spec, FileInput files,
            String prefix, Path dir, int readers, boolean primary) {
        ModelSpec model = spec.model().toSpec();
        DataStream<RawRecord> raw = rawRecords(env, spec, files, prefix, readers);
        SingleOutputStreamOperator<Example> ingested = raw.transform(
                        prefix + "ingest", RecordTypeInfo.examples(),
                        new Ingest(model, primary ? dir.resolve(COUNTS).toString() : null))
                .setParallelism(readers)
                .uid(prefix + "ingest")
                // progress lines sum the operators named "ingest": a second reading is not one
                .name(primary ? prefix + "ingest: parse + validate" : prefix + "parse + validate");
        if (!primary) {
            return ingested;
        }
        DataStream<DeadLetter> deadLetters = ingested.getSideOutput(Ingest.DEAD_LETTERS);
        deadLetters
                .transform(prefix + "dead-letter-writer", TypeInformation.of(Void.class),
                        LinesWriter.deadLetters(dir.resolve(RunFolder.DEAD_LETTER).toString()))
                .setParallelism(1)
                .uid(prefix + "dead-letter-writer")
                .name(prefix + "dead letters");
        if (spec.output().kafka().deadLetterTopic() != null) {
            Properties client = KafkaOutputs.clientProperties(spec, System.getenv());
            KafkaOutputs.prepareTopics(spec, model, client);
            deadLetters
                    .sinkTo(KafkaOutputs.deadLetterSink(spec, client, spec.input().isKafka(), prefix + "dead-letters"))
                    .setParallelism(1)
                    .uid(prefix + "dead-letter-topic")
                    .name(prefix + "dead letters: " + spec.output().kafka().deadLetterTopic());
        }
        return ingested;
    }

    /**
     * Event time from each example (else the time its reader gave the record, such as a Kafka
     * message's), watermarks {@code input.watermarkDelayMillis} behind the newest; several readers
     * are kept within {@link #ALIGNMENT_SLACK_MILLIS} of that delay of each other (Flink's watermark
     * alignment), so that splitting the input by source does not let one reader run ahead in time.
     */
    static WatermarkStrategy<RawRecord> watermarks(JobSpec spec, String prefix, int readers) {
        long delay = spec.input().watermarkDelayMillis();
        WatermarkStrategy<RawRecord> strategy = WatermarkStrategy.<RawRecord>forBoundedOutOfOrderness(
                        Duration.ofMillis(delay))
                .withTimestampAssigner((record, readerTimestamp) ->
                        record.example() != null ? record.example().timestamp() : readerTimestamp);
        if (spec.input().isKafka() && spec.input().kafka().idleTimeoutMillis() > 0) {
            strategy = strategy.withIdleness(Duration.ofMillis(spec.input().kafka().idleTimeoutMillis()));
        }
        if (readers > 1) {
            strategy = strategy.withWatermarkAlignment(spec.job() + "/" + prefix + "input",
                    Duration.ofMillis(delay + ALIGNMENT_SLACK_MILLIS), Duration.ofMillis(ALIGNMENT_UPDATE_MILLIS));
        }
        return strategy;
    }

    /** How far in event time, beyond {@code input.watermarkDelayMillis}, parallel readers may drift apart. */
    static final long ALIGNMENT_SLACK_MILLIS = 1000;
    /** How often parallel readers compare their watermarks. */
    private static final long ALIGNMENT_UPDATE_MILLIS = 200;

    /**
     * One closed learning loop: trainers, aggregators, feedback and model writer. Operator uids are
     * prefixed so that the baseline loop can live beside the federated one.
     *
     * <p>The two edges inside the loop (updates to the aggregators, models back to the trainers)
     * flush every record instead of waiting for the network buffer timeout (100 ms by default):
     * the loop's latency is the staleness of every update, and at tens of thousands of examples per
     * second 100 ms are dozens of rounds, which makes FedAvg oscillate and diverge.
     */
    private static void loop(
            DataStream<Example> examples,
            JobSpec spec,
            ModelSpec model,
            String prefix,
            String out,
            HoldoutSupplier holdout,
            boolean centralized,
            String modelKey) {
        StreamExecutionEnvironment env = examples.getExecutionEnvironment();
        String loopId = UUID.randomUUID().toString();
        // the job's own model adapts to drift; a baseline (no model topic key) is the reference without
        DriftSettings drift = modelKey == null ? DriftSettings.none() : spec.drift().toSettings();
        int trainers = centralized ? 1 : spec.trainer().parallelism();
        int shards = spec.aggregation().shards();
        ShardLayout layout = new ShardLayout(model.numParams(), shards);
        // the centralized learner adds its own deltas as they are, whatever the federated strategy
        AggregationStrategy strategy = centralized ? Strategies.sum() : strategy(spec);
        // 0: the server sizes rounds from the sources active lately
        Integer configuredRound = spec.rounds().updatesPerRound();
        int updatesPerRound = centralized ? 1 : configuredRound == null ? 0 : configuredRound;

        // The trainers get new global models from the in-job channel, or (rounds.feedback: kafka) from
        // the model topic; either source shares the aggregators' slots and ends with them.
        boolean kafkaFeedback = !centralized && modelKey != null
                && spec.rounds().feedback() == JobSpec.Feedback.KAFKA;
        DataStream<GlobalModel> feedback = kafkaFeedback
                ? env.fromSource(
                                KafkaFeedback.source(spec.output().kafka().modelTopic(),
                                        KafkaOutputs.clientProperties(spec, System.getenv()), loopId, layout,
                                        System.currentTimeMillis()),
                                WatermarkStrategy.noWatermarks(),
                                prefix + "kafka-feedback",
                                RecordTypeInfo.globalModels())
                        .setParallelism(shards)
                        .setBufferTimeout(0)
                        .uid(prefix + "kafka-feedback-source")
                        .name(prefix + "feedback: global models from " + spec.output().kafka().modelTopic())
                : env.fromSource(
                                new FeedbackSource(loopId),
                                WatermarkStrategy.noWatermarks(),
                                prefix + "feedback",
                                RecordTypeInfo.globalModels())
                        .setParallelism(shards)
                        .setBufferTimeout(0)
                        .uid(prefix + "feedback-source")
                        .name(prefix + "feedback: global models");
        ((SingleOutputStreamOperator<GlobalModel>) feedback).getTransformation().setCoLocationGroupKey(loopId);

        KeySelector<Example, String> bySource = centralized ? new ConstantKey() : new SourceKey();
        // The centralized learner reports once per federated round's worth of examples (K x B), so
        // both loops publish versions at the same pace.
        int localExamples = centralized
                ? (int) Math.min(Integer.MAX_VALUE, (long) spec.rounds().localExamples() * spec.rounds().nominalUpdatesPerRound())
                : spec.rounds().localExamples();
        LocalStep localStep = strategy.localStep();
        int cacheSize = cacheSize(spec, model, localStep);
        TrainerSettings trainerSettings = new TrainerSettings(
                model, optimizer(spec), localExamples, spec.rounds().eventTimeMillis(),
                layout, cacheSize, !centralized, spec.seed(),
                spec.output().predictions(),
                // the centralized baseline stays the clean reference: plain steps, no attack, no noise
                centralized ? null : SimulatedAttack.of(spec),
                localStep,
                centralized ? Participation.everyone() : new Participation(spec.rounds().sampleFraction(), spec.seed()),
                centralized || !spec.localDp().enabled() ? null
                        : LocalDp.withNoiseMultiplier(spec.localDp().clippingNorm(), spec.localDp().noiseMultiplier()),
                spec.trainer().state(),
                drift);
        SingleOutputStreamOperator<LocalUpdate> updates = examples
                .keyBy(bySource)
                .connect(feedback.broadcast())
                .transform(prefix + "trainer", RecordTypeInfo.localUpdates(), new LocalTrainer(trainerSettings))
                .setParallelism(trainers)
                .setMaxParallelism(Math.max(128, trainers))
                .setBufferTimeout(0)
                .uid(prefix + StateDescriptors.UID_TRAINER)
                .name(prefix + "local trainer");

        if (trainerSettings.emitPredictions()) {
            updates.getSideOutput(LocalTrainer.PREDICTIONS)
                    .transform(prefix + "prediction-writer", TypeInformation.of(Void.class),
                            LinesWriter.predictions(Path.of(out, RunFolder.PREDICTIONS).toString(),
                                    spec.input().labelNames()))
                    .setParallelism(1)
                    .uid(prefix + "prediction-writer")
                    .name(prefix + "predictions");
        }
        if (!centralized) {
            // per-source metrics need the counts, not the deltas: strip them while still chained to
            // the trainer, so that a model-sized array is not shipped twice per report
            updates.flatMap(new ProgressOnly(), RecordTypeInfo.localUpdates())
                    .setParallelism(trainers)
                    .uid(prefix + "source-progress")
                    .name(prefix + "per-source progress")
                    .transform(prefix + "source-stats", TypeInformation.of(Void.class),
                            new SourceStats(out, model.isClassifier()))
                    .setParallelism(1)
                    .uid(prefix + "source-stats")
                    .name(prefix + "per-source metrics");
        }

        AggregatorSettings aggregatorSettings = new AggregatorSettings(
                strategy, layout, updatesPerRound, spec.rounds().timeoutMillis(), trainers, loopId,
                spec.evaluation().windowExamples(), model, spec.seed(),
                centralized ? 0 : spec.rounds().maxStaleness(),
                StrategyFactory.noiseMultiplier(strategy), spec.aggregation().dpDelta(),
                centralized ? 1 : spec.rounds().minSources(),
                centralized || !spec.aggregation().reputation() ? Double.NaN : spec.aggregation().reputationDecay(),
                drift);
        SingleOutputStreamOperator<GlobalModel> globals = updates
                .partitionCustom(new ToShard(), new ShardOf())
                .transform(prefix + "aggregator", RecordTypeInfo.globalModels(),
                        new GlobalAggregator(aggregatorSettings))
                .setParallelism(shards)
                .uid(prefix + StateDescriptors.UID_AGGREGATOR)
                .name(prefix + "global aggregator");
        globals.getTransformation().setCoLocationGroupKey(loopId);
        if (drift.detector() != null) {
            updates.getSideOutput(DriftEvent.OUTPUT)
                    .union(globals.getSideOutput(DriftEvent.OUTPUT))
                    .transform(prefix + "drift-writer", TypeInformation.of(Void.class),
                            LinesWriter.drifts(Path.of(out, RunFolder.DRIFTS).toString()))
                    .setParallelism(1)
                    .uid(prefix + "drift-writer")
                    .name(prefix + "drifts");
        }

        // Its own thread: scoring the holdout set must not stall the aggregator (and, through
        // back-pressure, the trainers) while it runs.
        String modelTopic = modelKey == null ? null : spec.output().kafka().modelTopic();
        SingleOutputStreamOperator<PublishedModel> published = globals
                .transform(prefix + "model-writer", TypeInformation.of(PublishedModel.class),
                        new ModelWriter(spec.job(), model, out, holdout, spec.evaluation().intervalMillis(),
                                modelTopic == null ? null : modelKey, loopId))
                .startNewChain()
                .setParallelism(1)
                .uid(prefix + "model-writer")
                .name(prefix + "model writer");
        if (modelTopic != null) {
            Properties client = KafkaOutputs.clientProperties(spec, System.getenv());
            long messageBytes = KafkaOutputs.prepareTopics(spec, model, client);
            published.sinkTo(KafkaOutputs.modelSink(spec, client, messageBytes, prefix + "models"))
                    .setParallelism(1)
                    .uid(prefix + "model-topic")
                    .name(prefix + "models: " + modelTopic);
        }
    }

    /**
     * The local-only baseline: every source trains alone (the job's model and optimizer, plain
     * steps, no global model), and at the end of the input each source's model is scored on the
     * holdout; the writer sums the scores up into {@code out}.
     */
    private static void localOnly(DataStream<Example> examples, JobSpec spec, ModelSpec model, String prefix,
            String out, HoldoutSupplier holdout) {
        int trainers = spec.trainer().parallelism();
        LocalStep step = LocalStep.plain();
        ShardLayout layout = new ShardLayout(model.numParams(), 1);
        TrainerSettings settings = new TrainerSettings(model, optimizer(spec), Integer.MAX_VALUE, 0, layout,
                cacheSize(spec, model, step), false, spec.seed(), false, null, step, Participation.everyone(), null,
                spec.trainer().state());
        examples.keyBy(new SourceKey())
                .transform(prefix + "trainer", TypeInformation.of(LocalBaseline.SourceResult.class),
                        new LocalOnlyTrainer(settings, holdout))
                .setParallelism(trainers)
                .setMaxParallelism(Math.max(128, trainers))
                .uid(prefix + "trainer")
                .name(prefix + "local-only trainers")
                .transform(prefix + "writer", TypeInformation.of(Void.class),
                        new LocalBaselineWriter(out,
                                LocalOnlyTrainer.holdoutNames(spec.evaluation().holdouts().keySet()),
                                model.isClassifier()))
                .setParallelism(1)
                .uid(prefix + "writer")
                .name(prefix + "local-only results");
    }

    /** The name of the primary holdout set (evaluation.holdout or holdoutPath, else the first named one). */
    static final String HOLDOUT = "holdout";

    /** Sources a trainer subtask caches: trainer.cacheSize, else what fits trainer.cacheMegabytes. */
    private static int cacheSize(JobSpec spec, ModelSpec model, LocalStep step) {
        if (spec.trainer().cacheSize() != null) {
            return spec.trainer().cacheSize();
        }
        return TrainerSettings.cacheEntries(model, optimizer(spec), step,
                TrainerSettings.sparseState(spec.trainer().state(), model, step),
                spec.trainer().cacheMegabytes() * (1L << 20));
    }

    private static DataStream<RawRecord> rawRecords(
            StreamExecutionEnvironment env, JobSpec spec, FileInput files, String prefix, int readers) {
        WatermarkStrategy<RawRecord> watermarks = watermarks(spec, prefix, readers);
        switch (spec.input().type()) {
            case GENERATOR: {
                GeneratedRecords records = new GeneratedRecords(
                        new SyntheticGenerator(Generators.config(spec)), spec.input().generator().examples());
                return env.fromSource(
                                new OrderedSource<>(records, readers, spec.input().generator().ratePerSecond(),
                                        RecordTypeInfo.rawRecords()),
                                watermarks, "generator")
                        .setParallelism(readers)
                        .uid(prefix + "examples-source")
                        .name(prefix + "examples: generator");
            }
            case KAFKA: {
                return env.fromSource(KafkaInput.source(spec, files, System.getenv()), watermarks, "kafka")
                        .setParallelism(readers)
                        .uid(prefix + "examples-source")
                        .name(prefix + "examples: kafka " + spec.input().kafka().topic());
            }
            default: {
                JobSpec.InputSpec input = spec.input();
                if (input.monitor()) {
                    FileSource<RawRecord> monitored = FileSource.forBulkFileFormat(
                                    new MonitoredRows(files.options(), files.maxLineBytes(), files.scaler(),
                                            files.sources(), spec.seed()),
                                    new org.apache.flink.core.fs.Path(Path.of(input.path()).toAbsolutePath().toUri()))
                            .monitorContinuously(Duration.ofMillis(input.monitorIntervalMillis()))
                            .setSplitAssigner(NameOrderSplitAssigner::new)
                            .build();
                    return env.fromSource(monitored, watermarks, "files")
                            .setParallelism(readers)
                            .uid(prefix + "examples-source")
                            .name(prefix + "examples: " + input.path() + " (monitored)");
                }
                FileRecords records = new FileRecords(files, input.passes(), input.shuffle(), spec.seed(),
                        input.startTimeMillis(), input.eventIntervalMillis());
                return env.fromSource(new OrderedSource<>(records, readers, input.ratePerSecond(),
                                RecordTypeInfo.rawRecords()),
                                watermarks, "files")
                        .setParallelism(readers)
                        .uid(prefix + "examples-source")
                        .name(prefix + "examples: " + input.path());
            }
        }
    }


    /**
     * The holdout sets of a task: the generator's holdout, or {@code evaluation.holdoutPath} and the
     * named files of {@code evaluation.holdouts}, read in the input's format with its scaling. Files
     * are read once here, so that a bad holdout fails before the job starts.
     *
     * @throws FormatException if a holdout file is not a clean file of the input's format, or the
     *     named holdouts cannot be read for this input
     */
    private static HoldoutSupplier holdout(JobSpec spec, FileInput files) {
        Map<String, JobSpec.HoldoutSpec> named = spec.evaluation().holdouts();
        if (files == null) {
            // named holdouts are files: JobSpecRules refuses them for the generator
            int n = spec.evaluation().holdout();
            SyntheticGenerator.Config config = Generators.config(spec);
            return () -> org.fedflink.eval.HoldoutSets.of(new SyntheticGenerator(config).holdout(n));
        }
        String path = spec.evaluation().holdoutPath();
        String labels = spec.evaluation().holdoutLabelsPath();
        ModelSpec model = spec.model().toSpec();
        HoldoutSupplier supplier = () -> {
            Map<String, List<Example>> sets = new LinkedHashMap<>();
            named.forEach((name, h) -> sets.put(name, HoldoutFile.read(files, HoldoutFile.Source.named(name, h), model)));
            List<Example> own = path == null ? null
                    : HoldoutFile.read(files, Path.of(path), labels == null ? null : Path.of(labels), model);
            return org.fedflink.eval.HoldoutSets.of(own, sets);
        };
        try {
            supplier.get();
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
        }
        return supplier;
    }

    /** The federated strategy the job spec describes (validated when the spec was loaded). */
    static AggregationStrategy strategy(JobSpec spec) {
        try {
            return StrategyFactory.create(spec);
        } catch (org.fedflink.config.JobSpecException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
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

    private static final class SourceKey implements KeySelector<Example, String> {
        @Override
        public String getKey(Example example) {
            return example.source();
        }
    }

    private static final class ConstantKey implements KeySelector<Example, String> {
        @Override
        public String getKey(Example example) {
            return CENTRALIZED_KEY;
        }
    }

    private static final class ShardOf implements KeySelector<LocalUpdate, Integer> {
        @Override
        public Integer getKey(LocalUpdate update) {
            return update.shard();
        }
    }

    private static final class ToShard implements Partitioner<Integer> {
        @Override
        public int partition(Integer shard, int numPartitions) {
            return shard;
        }
    }

    /** The generator's stream as a sequence: position {@code i} is example {@code i}, grouped by its source. */
    private static final class GeneratedRecords implements RecordSequence<RawRecord> {
        private static final long serialVersionUID = 1L;

        private final SyntheticGenerator generator;
        private final long count;

        GeneratedRecords(SyntheticGenerator generator, long count) {
            this.generator = generator;
            this.count = count;
        }

        @Override
        public long size() {
            return count;
        }

        @Override
        public void open(SourceReaderContext context) {}

        @Override
        public int groupOf(long position, int groups) {
            return generator.sourceIndex(position) % groups;
        }

        @Override
        public RawRecord read(long position) {
            return generator.isCorrupt(position)
                    ? RawRecord.text("generator", position, generator.corruptLine(position))
                    : RawRecord.of("generator", position, generator.example(position));
        }

        @Override
        public long timestamp(RawRecord record) {
            return generator.timestamp(record.position());
        }

        @Override
        public void close() {}
    }

    /** A source's progress counts from its update's first shard piece, without the delta. */
    private static final class ProgressOnly implements FlatMapFunction<LocalUpdate, LocalUpdate> {
        private static final float[] NO_DELTA = new float[0];

        @Override
        public void flatMap(LocalUpdate update, Collector<LocalUpdate> out) {
            if (!update.endOfInput() && update.shard() == 0 && update.samples() > 0) {
                out.collect(new LocalUpdate(0, update.source(), update.baseVersion(), update.samples(),
                        update.lossSum(), update.correct(), NO_DELTA, false, update.sender()));
            }
        }
    }
}
