package org.fedflink.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.flink.api.java.functions.KeySelector;
import org.fedflink.config.JobSpec;
import org.fedflink.config.StrategyFactory;
import org.fedflink.data.Example;
import org.fedflink.drift.DriftSettings;
import org.fedflink.federation.AggregationStrategy;
import org.fedflink.federation.DpAccounting;
import org.fedflink.federation.LocalDp;
import org.fedflink.federation.LocalStep;
import org.fedflink.federation.Participation;
import org.fedflink.federation.ShardLayout;
import org.fedflink.federation.Strategies;
import org.fedflink.model.ModelSpec;

/**
 * Everything that sets one learning loop apart from another, resolved from the job spec before
 * {@link LoopGraph} wires it: a federated loop (one learner per source, the job's strategy) or a
 * centralized one (one learner over the union of all sources, adding its own deltas as they are).
 * A centralized loop is a task's own model in {@code mode: centralized}, or a federated task's
 * baseline, the clean reference the federated model is compared with.
 *
 * @param loop the loop's name, which gives its operators' uid prefix (savepoints are keyed by it)
 * @param out the loop's folder in the run folder, absolute
 * @param spec the task's spec
 * @param model the task's model
 * @param modelKey the key of the loop's versions on the model topic; null for a baseline, which is
 *     for comparison only (it publishes nothing, follows no drift and gets no Kafka feedback)
 * @param inOrder whether the loop reads the input in its exact order, so that a centralized
 *     learner is the same model run after run
 * @param key how examples are keyed to the loop's learners
 * @param perSourceStats whether the loop writes per-source metrics: a centralized learner keys all
 *     examples alike, so it has no sources to tell apart
 * @param kafkaFeedback whether the trainers get new global models from the model topic
 *     ({@code rounds.feedback: kafka}) rather than from the in-job channel
 * @param trainer the trainers' settings
 * @param aggregator the aggregators' settings: the strategy, the loop's id and its shards
 */
record LoopPlan(
        Loop loop,
        String out,
        JobSpec spec,
        ModelSpec model,
        String modelKey,
        boolean inOrder,
        KeySelector<Example, String> key,
        boolean perSourceStats,
        boolean kafkaFeedback,
        TrainerSettings trainer,
        AggregatorSettings aggregator) {

    /**
     * The loops of a task, in the order they are added to the graph: its own (federated, or
     * centralized in {@code mode: centralized}), then the centralized baseline a federated task
     * asks for with {@code evaluation.baseline: centralized}.
     *
     * @param taskDir the task's folder in the run folder
     * @param modelKey the key of the task's model on the model topic
     */
    static List<LoopPlan> forTask(JobSpec.Task task, Path taskDir, String modelKey) {
        JobSpec spec = task.spec();
        List<LoopPlan> plans = new ArrayList<>();
        if (spec.mode() == JobSpec.Mode.CENTRALIZED) {
            plans.add(centralized(spec, Loop.of(task.name()), taskDir, modelKey));
        } else {
            plans.add(federated(spec, Loop.of(task.name()), taskDir, modelKey));
            if (spec.evaluation().has(JobSpec.Baseline.CENTRALIZED)) {
                Loop baseline = Loop.baselineOf(task.name());
                plans.add(centralized(spec, baseline, baseline.dir(taskDir), null));
            }
        }
        return List.copyOf(plans);
    }

    /** One learner per source, their updates folded in by the job's strategy. */
    static LoopPlan federated(JobSpec spec, Loop loop, Path dir, String modelKey) {
        ModelSpec model = spec.model().toSpec();
        DriftSettings drift = drift(spec, modelKey);
        int trainers = spec.trainer().parallelism();
        ShardLayout layout = new ShardLayout(model.numParams(), spec.aggregation().shards());
        AggregationStrategy strategy = strategy(spec);
        Integer configuredRound = spec.rounds().updatesPerRound();
        // 0: the server sizes rounds from the sources active lately
        int updatesPerRound = configuredRound == null ? 0 : configuredRound;
        LocalStep localStep = strategy.localStep();
        TrainerSettings.Builder trainer = TrainerSettings.builder(model, FedJob.optimizer(spec))
                .localExamples(spec.rounds().localExamples())
                .eventTimeMillis(spec.rounds().eventTimeMillis())
                .layout(layout)
                .cacheSize(cacheSize(spec, model, localStep, drift.sources()))
                .cacheBytes(cacheBytes(spec))
                .initSeed(spec.seed())
                .emitPredictions(spec.output().predictions())
                .localStep(localStep)
                .participation(new Participation(spec.rounds().sampleFraction(), spec.seed()))
                .stateLayout(spec.trainer().state())
                .drift(drift);
        SimulatedAttack.of(spec).ifPresent(trainer::attack);
        JobSpec.LocalDpSpec localDp = spec.localDp();
        if (localDp.enabled()) {
            trainer.localDp(LocalDp.withNoiseMultiplier(localDp.clippingNorm(), localDp.noiseMultiplier()));
        }
        String loopId = UUID.randomUUID().toString();
        AggregatorSettings.Builder aggregator = aggregator(spec, strategy, model, loopId, layout, updatesPerRound,
                        trainers)
                .maxStaleness(spec.rounds().maxStaleness())
                .countStaleness(spec.rounds().countStaleness())
                .minSources(spec.rounds().minSources())
                .drift(drift);
        StrategyFactory.noiseMultiplier(strategy).ifPresent(noiseMultiplier ->
                aggregator.dpAccounting(new DpAccounting(noiseMultiplier, spec.aggregation().dpDelta())));
        if (spec.aggregation().reputation()) {
            aggregator.reputationDecay(spec.aggregation().reputationDecay());
        }
        boolean kafkaFeedback = modelKey != null && spec.rounds().feedback() == JobSpec.Feedback.KAFKA;
        return new LoopPlan(loop, dir.toAbsolutePath().toString(), spec, model, modelKey, false,
                ExampleKeys.bySource(), true, kafkaFeedback, trainer.build(), aggregator.build());
    }

    /** The aggregator settings both loops share: rounds, window and initial model as the spec says. */
    private static AggregatorSettings.Builder aggregator(JobSpec spec, AggregationStrategy strategy, ModelSpec model,
            String loopId, ShardLayout layout, int updatesPerRound, int trainers) {
        return AggregatorSettings.builder(strategy, model, loopId)
                .layout(layout)
                .updatesPerRound(updatesPerRound)
                .timeoutMillis(spec.rounds().timeoutMillis())
                .trainerParallelism(trainers)
                .windowExamples(spec.evaluation().windowExamples())
                .initSeed(spec.seed());
    }

    /**
     * One learner over the union of all sources, on the input in its exact order. It stays the
     * clean reference: plain steps, no attack, no noise, every report taken.
     */
    static LoopPlan centralized(JobSpec spec, Loop loop, Path dir, String modelKey) {
        ModelSpec model = spec.model().toSpec();
        DriftSettings drift = drift(spec, modelKey);
        ShardLayout layout = new ShardLayout(model.numParams(), spec.aggregation().shards());
        // the centralized learner adds its own deltas as they are, whatever the federated strategy
        AggregationStrategy strategy = Strategies.sum();
        // It reports once per federated round's worth of examples (K x B), so that both loops
        // publish versions at the same pace.
        int localExamples = (int) Math.min(Integer.MAX_VALUE,
                (long) spec.rounds().localExamples() * spec.rounds().nominalUpdatesPerRound());
        LocalStep localStep = strategy.localStep();
        TrainerSettings trainer = TrainerSettings.builder(model, FedJob.optimizer(spec))
                .localExamples(localExamples)
                .eventTimeMillis(spec.rounds().eventTimeMillis())
                .layout(layout)
                .cacheSize(cacheSize(spec, model, localStep, drift.sources()))
                .cacheBytes(cacheBytes(spec))
                .adoptGlobal(false)
                .initSeed(spec.seed())
                .emitPredictions(spec.output().predictions())
                .localStep(localStep)
                .stateLayout(spec.trainer().state())
                .drift(drift)
                .build();
        // One learner, each report a round: none is held back as stale, for too few sources or by
        // reputation. The sum gives no DP guarantee, so there is no privacy to account for.
        int trainers = 1;
        int updatesPerRound = 1;
        AggregatorSettings aggregator = aggregator(spec, strategy, model, UUID.randomUUID().toString(), layout,
                        updatesPerRound, trainers)
                .drift(drift)
                .build();
        return new LoopPlan(loop, dir.toAbsolutePath().toString(), spec, model, modelKey, true,
                ExampleKeys.allAsOne(), false, false, trainer, aggregator);
    }

    /** This loop with trainers that read their own share of {@code input} instead of examples sent to them. */
    LoopPlan readingItself(TrainerInput input) {
        return new LoopPlan(loop, out, spec, model, modelKey, inOrder, key, perSourceStats, kafkaFeedback,
                trainer.toBuilder().input(input).build(), aggregator);
    }

    /** Prefix of the loop's operator uids and names. */
    String uidPrefix() {
        return loop.uidPrefix();
    }

    /** The loop's id: its feedback channel and the co-location of its aggregators and feedback source. */
    String loopId() {
        return aggregator.loopId();
    }

    int trainers() {
        return aggregator.trainerParallelism();
    }

    int shards() {
        return aggregator.layout().shards();
    }

    /** The model topic the loop's versions go to; null when they go to none. */
    String modelTopic() {
        return modelKey == null ? null : spec.output().kafka().modelTopic();
    }

    /**
     * Sources a trainer subtask caches: trainer.cacheSize, else what fits trainer.cacheMegabytes,
     * each source with a drift detector of its own when {@code detectors}.
     */
    static int cacheSize(JobSpec spec, ModelSpec model, LocalStep step, boolean detectors) {
        if (spec.trainer().cacheSize() != null) {
            return spec.trainer().cacheSize();
        }
        return TrainerSettings.cacheEntries(model, FedJob.optimizer(spec), step,
                TrainerSettings.sparseState(spec.trainer().state(), model, step), detectors,
                spec.trainer().cacheMegabytes() * (1L << 20));
    }

    /**
     * The heap a trainer subtask's cached sources may take: trainer.cacheMegabytes, unless
     * trainer.cacheSize sets a number of sources instead.
     */
    static long cacheBytes(JobSpec spec) {
        return spec.trainer().cacheSize() != null ? Long.MAX_VALUE : spec.trainer().cacheMegabytes() * (1L << 20);
    }

    /** The job's own model adapts to drift; a baseline (no model key) is the reference without. */
    private static DriftSettings drift(JobSpec spec, String modelKey) {
        return modelKey == null ? DriftSettings.none() : spec.drift().toSettings();
    }

    /** The federated strategy the job spec describes (validated when the spec was loaded). */
    private static AggregationStrategy strategy(JobSpec spec) {
        try {
            return StrategyFactory.create(spec);
        } catch (org.fedflink.config.JobSpecException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
