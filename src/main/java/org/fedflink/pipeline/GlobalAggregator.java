package org.fedflink.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.fedflink.eval.SlidingWindow;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.fedflink.aggregate.AggregationStrategy;
import org.fedflink.aggregate.RdpAccountant;
import org.fedflink.aggregate.Reputation;
import org.fedflink.aggregate.RoundPolicy;
import org.fedflink.aggregate.RoundAccumulator;
import org.fedflink.aggregate.Scaffold;
import org.fedflink.aggregate.ShortRounds;
import org.fedflink.aggregate.ScaffoldControl;
import org.fedflink.drift.DriftSettings;
import org.fedflink.drift.FederationDrift;
import org.fedflink.drift.SourceBaselines;

/**
 * The server side of one shard: collects the local updates of a round, folds a closed round into
 * the global parameters with the configured strategy, and publishes the new version both
 * downstream (model writer) and into the feedback loop (to every trainer).
 *
 * <p>A round closes when {@code updatesPerRound} updates arrived, or when its oldest update has
 * waited {@code timeoutMillis} (processing time), so stragglers cannot stall it. When every trainer
 * subtask has sent its end marker, the last partial round closes, the final version is published
 * and the feedback channel ends, which lets the loop and the job finish.
 *
 * <p>Each update is added with its staleness (how many versions this shard moved on since the
 * version the update was computed from), which FedBuff weighs; an update staler than
 * {@code maxStaleness} is dropped on arrival. A round the strategy cannot apply (fewer updates than
 * its {@code minUpdates()}, after dropping non-finite ones) is skipped: the global model stays as
 * it is and the round's updates are discarded. Both are counted in the checkpointed state and
 * reported with every version.
 *
 * <p>With a DP strategy, the updates of one source within a round are summed into one before the
 * strategy clips them, so a source moves a round by at most the clipping norm, and every applied
 * round is composed into an RDP accountant (sampling probability 1: rounds are not random samples
 * of the sources) whose {@code epsilon} goes out with every version.
 *
 * <p>Concept drift ({@link AggregatorSettings#drift()}): shard 0, whose pieces carry every
 * example's outcome, feeds them to its {@link FederationDrift} in the order it folds them. On a
 * detection it resets the server optimizer's state before applying the round
 * ({@link AggregationStrategy#resetOptimizerState}), counts the drift into every version it
 * publishes from then on (the trainers' sources restart when they adopt a higher count), closes
 * the next rounds small (with one shard only: shards close their rounds independently and must
 * keep the same sizes) and sends a {@link DriftEvent} to {@link DriftEvent#OUTPUT}.
 *
 * <p>Subtask i owns shard i. Its whole state, including the round being collected, the end
 * markers, the server optimizer state and the privacy accountant, is checkpointed, so the forward
 * path (examples, updates, versions) is exactly-once; after a restore the restored version is
 * re-published to re-seed the trainers.
 */
public final class GlobalAggregator extends AbstractStreamOperator<GlobalModel>
        implements OneInputStreamOperator<LocalUpdate, GlobalModel> {

    private final AggregatorSettings settings;

    private transient ListState<ShardState> checkpointed;
    private transient ShardState shard;
    private transient List<LocalUpdate> pending;
    private transient Set<String> sources;
    /** When a round is over and how far it moves the model. */
    private transient RoundPolicy rounds;
    private transient SlidingWindow window;
    private transient Set<Integer> endedSenders;
    private transient long roundId;
    private transient FeedbackChannel channel;
    private transient Counter roundsClosed;
    private transient Counter updatesReceived;
    /** The privacy spent so far, when the strategy is DP; else null. */
    private transient RdpAccountant accountant;
    private transient double epsilon;
    /** Per-source reputation, when {@code aggregation.reputation} is on; else null. */
    private transient Reputation reputation;
    /** The server's drift detection (watching on shard 0 only) and what follows a detection. */
    private transient FederationDrift drift;

    public GlobalAggregator(AggregatorSettings settings) {
        this.settings = settings;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        int index = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        if (parallelism != settings.layout().shards()) {
            throw new IllegalStateException("the aggregator must run with one subtask per shard ("
                    + settings.layout().shards() + "), got parallelism " + parallelism);
        }
        checkpointed = context.getOperatorStateStore().getUnionListState(StateDescriptors.shardState());
        ShardState restored = null;
        int restoredShards = 0;
        for (ShardState s : checkpointed.get()) {
            restoredShards++;
            if (s.shard == index) {
                restored = s;
            }
        }
        if (context.isRestored() && restoredShards != settings.layout().shards()) {
            throw new IllegalStateException("the savepoint holds a model split into " + restoredShards
                    + " shards but the job spec asks for " + settings.layout().shards()
                    + "; the shard count cannot change on restore");
        }
        int length = settings.layout().to(index) - settings.layout().from(index);
        if (restored != null && restored.params.length != length) {
            throw new IllegalStateException("the savepoint's model has " + restored.params.length + " parameters in shard "
                    + index + " but the job spec's " + settings.model().type() + " model has " + length
                    + " there; a model's shape cannot change on restore");
        }
        if (restored == null) {
            restored = new ShardState();
            restored.shard = index;
            // version 0 is the model every trainer starts from: zeros, or an MLP's seeded initialisation
            float[] initial = org.fedflink.model.Model.of(settings.model()).initialParams(settings.initSeed());
            restored.params = Arrays.copyOfRange(initial, settings.layout().from(index), settings.layout().to(index));
            restored.sources = new String[0];
            restored.pending = new LocalUpdate[0];
            restored.endedSenders = new int[0];
        }
        AggregationStrategy strategy = settings.strategy();
        int stateSize = strategy.stateSize(restored.params.length);
        boolean sameStrategy = restored.strategy == null || restored.strategy.equals(strategy.getClass().getName());
        if (restored.serverState == null || restored.serverState.length != stateSize || !sameStrategy) {
            // a new job, or one resumed with another strategy: its optimizer state starts at zeros
            if (restored.serverState != null && restored.serverState.length > 0) {
                LOG.warn("shard {}: the restored server state belongs to {}; {} starts from a fresh state",
                        index, restored.strategy, strategy);
            }
            restored.serverState = new float[stateSize];
        }
        restored.strategy = strategy.getClass().getName();
        if (settings.accountsPrivacy()) {
            accountant = restored.privacy == null ? new RdpAccountant() : RdpAccountant.fromState(restored.privacy);
            epsilon = accountant.epsilon(settings.dpDelta()).epsilon();
        } else {
            epsilon = Double.NaN;
        }
        if (!Double.isNaN(settings.reputationDecay())) {
            reputation = restored.reputationSources == null
                    ? new Reputation(settings.reputationDecay())
                    : Reputation.fromState(settings.reputationDecay(),
                            new Reputation.State(restored.reputationSources, restored.reputationScores));
        }
        // only shard 0's pieces carry the examples' outcomes
        drift = FederationDrift.of(index == 0 ? settings.drift() : DriftSettings.none(), settings.model().isClassifier(),
                restored.globalDrifts, restored.driftSmallRoundsLeft, restored.driftDetector,
                new SourceBaselines.State(restored.driftBaselineSources, restored.driftBaselineMeans,
                        restored.driftBaselineExamples, restored.driftBaselineRecent));
        window = restored.window == null
                ? new SlidingWindow(settings.windowExamples())
                : SlidingWindow.fromState(restored.window);
        shard = restored;
        pending = new ArrayList<>(Arrays.asList(shard.pending));
        sources = new HashSet<>(Arrays.asList(shard.sources));
        rounds = new RoundPolicy(settings.updatesPerRound(), settings.strategy().minUpdates(), settings.minSources(),
                shard.recentSources, new ShortRounds.State(
                        shard.shortRoundUpdates, shard.shortRoundSources, shard.shortRoundUsualSamples));
        endedSenders = new TreeSet<>();
        for (int s : shard.endedSenders) {
            endedSenders.add(s);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        roundsClosed = getMetricGroup().counter("roundsClosed");
        updatesReceived = getMetricGroup().counter("updatesReceived");
        getMetricGroup().gauge("globalVersion", () -> shard.version);
        // run totals from checkpointed state, so they survive restarts (Flink counters would not)
        getMetricGroup().gauge("roundsSkipped", () -> shard.roundsSkipped);
        getMetricGroup().gauge("updatesRejected", () -> shard.updatesRejected);
        getMetricGroup().gauge("updatesTooStale", () -> shard.updatesTooStale);
        getMetricGroup().gauge("globalDrifts", () -> drift.drifts());
        if (accountant != null) {
            getMetricGroup().gauge("epsilon", () -> epsilon);
        }
        channel = FeedbackChannel.of(settings.loopId(), shard.shard);
        if (shard.version > 0) {
            channel.offer(snapshot(false, 0, 0, 0, Double.NaN));
        }
        if (shard.finished) {
            channel.end();
        } else if (!pending.isEmpty()) {
            armTimeout();
        }
    }

    @Override
    public void processElement(StreamRecord<LocalUpdate> record) throws Exception {
        LocalUpdate update = record.getValue();
        if (update.endOfInput()) {
            endedSenders.add(update.sender());
            if (endedSenders.size() >= settings.trainerParallelism() && !shard.finished) {
                finish(true);
            }
            return;
        }
        updatesReceived.inc();
        if (record.hasTimestamp()) {
            shard.newestUpdateTime = Math.max(shard.newestUpdateTime, record.getTimestamp());
        }
        if (settings.maxStaleness() > 0 && staleness(update) > settings.maxStaleness()) {
            shard.updatesTooStale++;
            return;
        }
        pending.add(update);
        rounds.observe(update.source());
        if (pending.size() >= roundTarget() && rounds.hasEnoughSources(pendingSources())) {
            closeRound(false);
        } else if (pending.size() == 1) {
            armTimeout();
        }
    }

    /**
     * How many updates close a round: the spec's number, or the server's ({@link RoundPolicy}); after
     * a drift fewer for a few rounds ({@link FederationDrift#roundTarget}), when there is one shard.
     */
    private int roundTarget() {
        int minUpdates = settings.strategy().minUpdates();
        return rounds.target(usual -> settings.layout().shards() == 1 ? drift.roundTarget(usual, minUpdates) : usual);
    }

    private List<String> pendingSources() {
        return pending.stream().map(LocalUpdate::source).toList();
    }

    private void armTimeout() {
        if (settings.timeoutMillis() <= 0) {
            return;
        }
        long round = roundId;
        long due = getProcessingTimeService().getCurrentProcessingTime() + settings.timeoutMillis();
        getProcessingTimeService().registerTimer(due, time -> {
            if (roundId == round && !pending.isEmpty()) {
                if (rounds.hasEnoughSources(pendingSources())) {
                    closeRound(false);
                } else {
                    // the deadline never closes a round below minSources: wait another period
                    armTimeout();
                }
            }
        });
    }

    /** How many versions this shard moved on since the version {@code u} was computed from. */
    private long staleness(LocalUpdate u) {
        // never negative: trainers only know versions this shard published (and restored with it)
        return Math.max(0, shard.version - u.baseVersion());
    }

    private void closeRound(boolean last) {
        // the target this round was collected for (closing it may end the small rounds after a drift)
        int target = roundTarget();
        AggregationStrategy strategy = settings.strategy();
        RoundAccumulator round = strategy.newRound(shard.params.length);
        long samples = 0;
        long correct = 0;
        double lossSum = 0;
        double staleness = 0;
        Set<String> roundSources = new HashSet<>();
        int length = shard.params.length;
        List<LocalUpdate> updates = settings.accountsPrivacy() ? mergedBySource(pending, length) : pending;
        boolean scaffold = strategy instanceof Scaffold;
        RoundAccumulator controlRound = scaffold ? ScaffoldControl.newRound(length) : null;
        // reputation scores whole updates against each other, so it sees them dense; without it a
        // sparse update goes to the round as it came (a running sum adds only its entries)
        List<float[]> weighed = null;
        if (reputation != null) {
            List<float[]> deltas = updates.stream().map(u -> u.denseDelta(length)).toList();
            List<String> names = updates.stream().map(LocalUpdate::source).toList();
            reputation.observe(names, deltas);
            weighed = reputation.weigh(names, deltas);
        }
        List<LocalUpdate> folded = new ArrayList<>(updates.size());
        for (int k = 0; k < updates.size(); k++) {
            LocalUpdate u = updates.get(k);
            int rejectedBefore = round.rejected();
            if (weighed != null) {
                round.add(weighed.get(k), u.samples(), staleness(u));
            } else if (u.sparse()) {
                round.addSparse(length, u.deltaIndices(), u.delta(), u.samples(), staleness(u));
            } else {
                round.add(u.denseDelta(length), u.samples(), staleness(u));
            }
            if (round.rejected() > rejectedBefore) {
                continue;
            }
            if (scaffold && u.controlDelta() != null) {
                controlRound.add(u.controlDelta(), 1);
            }
            folded.add(u);
            roundSources.add(u.source());
            staleness += staleness(u);
            samples += u.samples();
            correct += u.correct();
            lossSum += u.lossSum();
        }
        shard.updatesRejected += round.rejected();
        pending.clear();
        roundId++;
        drift.roundClosed();
        int accepted = round.updates();
        if (accepted == 0 || accepted < strategy.minUpdates()) {
            shard.roundsSkipped++;
            if (last) {
                publish(snapshot(true, 0, 0, 0, Double.NaN));
            }
            return;
        }
        List<Double> detections = watchDrift(folded);
        if (!detections.isEmpty()) {
            // the round's updates were made after the change: no momentum from before it
            strategy.resetOptimizerState(shard.serverState);
        }
        double share = rounds.share(
                folded.stream().map(u -> new ShortRounds.Update(u.source(), u.samples())).toList(), target);
        float[] before = share < 1 && strategy.shortensShortRounds() ? shard.params.clone() : null;
        strategy.apply(shard.params, shard.serverState, round);
        if (before != null) {
            ShortRounds.scaleStep(before, shard.params, share);
        }
        sources.addAll(roundSources);
        if (scaffold && controlRound.updates() > 0) {
            // c += sum(deltaC_i) / N, N = every source the model has heard from so far
            ScaffoldControl.update(shard.serverState, controlRound, sources.size());
        }
        if (accountant != null) {
            // one Gaussian mechanism per applied round; q = 1, see the class comment
            accountant.compose(1.0, settings.dpNoiseMultiplier(), 1);
            epsilon = accountant.epsilon(settings.dpDelta()).epsilon();
        }
        shard.version++;
        shard.rounds++;
        shard.parentJobId = shard.jobId;
        shard.jobId = getRuntimeContext().getJobInfo().getJobId().toString();
        shard.createdMillis = System.currentTimeMillis();
        shard.samplesInModel += samples;
        shard.prequentialLossSum += lossSum;
        shard.prequentialCorrect += correct;
        for (LocalUpdate u : folded) {
            addToWindow(u);
        }
        roundsClosed.inc();
        publish(snapshot(last, accepted, roundSources.size(), samples, staleness / accepted));
        for (double statistic : detections) {
            output.collect(DriftEvent.OUTPUT, new StreamRecord<>(new DriftEvent(shard.newestUpdateTime, shard.version,
                    DriftSettings.GLOBAL, drift.detectorName(), statistic)));
        }
    }

    /**
     * Feeds the server's detector the outcome of every example of the folded updates, in order,
     * and returns the statistic of each detection. Updates checkpointed before they carried their
     * examples' outcomes are not watched.
     */
    private List<Double> watchDrift(List<LocalUpdate> folded) {
        if (!drift.detects()) {
            return List.of();
        }
        List<Double> detections = new ArrayList<>(1);
        for (LocalUpdate u : folded) {
            float[] losses = u.exampleLosses();
            if (losses == null) {
                continue;
            }
            detections.addAll(drift.observeUpdate(u.source(), losses, u.exampleCorrect()));
        }
        return detections;
    }

    /**
     * Adds an update's examples to the window, each with its own outcome. Only shard 0's pieces
     * carry outcomes (the other shards' windows stay empty: the model writer reads shard 0's). An
     * update of shard 0 without them was checkpointed before updates carried them: its examples
     * count with their mean loss, the correct ones first.
     */
    private void addToWindow(LocalUpdate u) {
        if (u.exampleLosses() != null) {
            window.addAll(u.exampleLosses(), u.exampleCorrect(), (int) u.samples());
        } else if (shard.shard == 0 && u.samples() > 0) {
            float meanLoss = (float) (u.lossSum() / u.samples());
            for (long i = 0; i < u.samples(); i++) {
                window.add(meanLoss, i < u.correct());
            }
        }
    }

    /**
     * The round's updates with those of one source summed into one (in order of each source's
     * first update; the oldest base version, samples and prequential sums added up), so that a
     * DP strategy clips each source's whole contribution to the round.
     */
    static List<LocalUpdate> mergedBySource(List<LocalUpdate> updates, int length) {
        Map<String, LocalUpdate> bySource = new LinkedHashMap<>();
        for (LocalUpdate u : updates) {
            bySource.merge(u.source(), u, (a, b) -> {
                float[] delta = a.sparse() ? a.denseDelta(length) : a.delta().clone();
                float[] more = b.denseDelta(length);
                for (int i = 0; i < delta.length; i++) {
                    delta[i] += more[i];
                }
                LocalUpdate merged = new LocalUpdate(a.shard(), a.source(), Math.min(a.baseVersion(), b.baseVersion()),
                        a.samples() + b.samples(), a.lossSum() + b.lossSum(), a.correct() + b.correct(), delta,
                        false, a.sender());
                if (a.exampleLosses() == null || b.exampleLosses() == null) {
                    return merged;
                }
                org.fedflink.eval.OutcomeLog outcomes = a.outcomes();
                outcomes.addAll(b.outcomes());
                return merged.withOutcomes(outcomes);
            });
        }
        return new ArrayList<>(bySource.values());
    }

    private void finish(boolean publishFinal) {
        if (!pending.isEmpty()) {
            closeRound(true);
        } else if (publishFinal) {
            // The last round closed exactly on the last update: its version is out already, not
            // marked final, and a published version is never published again (the model topic
            // holds each version once). The final version is the next one, the same model.
            if (shard.version > 0) {
                shard.version++;
            }
            publish(snapshot(true, 0, 0, 0, Double.NaN));
        }
        shard.finished = true;
        channel.end();
    }

    private GlobalModel snapshot(boolean last, int updates, int roundSources, long samples, double staleness) {
        long n = shard.samplesInModel;
        return new GlobalModel(
                shard.shard,
                settings.layout().shards(),
                shard.version,
                shard.params.clone(),
                shard.samplesInModel,
                sources.size(),
                shard.rounds,
                System.currentTimeMillis(),
                updates,
                roundSources,
                samples,
                staleness,
                n == 0 ? Double.NaN : shard.prequentialLossSum / n,
                n == 0 ? Double.NaN : (double) shard.prequentialCorrect / n,
                window.meanLoss(),
                window.accuracy(),
                last,
                shard.roundsSkipped,
                shard.updatesRejected,
                shard.updatesTooStale,
                epsilon,
                accountant == null ? Double.NaN : settings.dpDelta(),
                // the trainers' corrected steps need the server control variate
                settings.strategy() instanceof Scaffold ? shard.serverState.clone() : null,
                drift.drifts());
    }

    private void publish(GlobalModel model) {
        // Into the loop first: the trainers must not wait for a slow model sink.
        channel.offer(model);
        output.collect(new StreamRecord<>(model));
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        shard.pending = pending.toArray(new LocalUpdate[0]);
        shard.sources = sources.toArray(new String[0]);
        shard.recentSources = rounds.recentSources();
        ShortRounds.State shortRounds = rounds.shortRoundsState();
        shard.shortRoundUpdates = shortRounds.roundUpdates();
        shard.shortRoundSources = shortRounds.sources();
        shard.shortRoundUsualSamples = shortRounds.usualSamples();
        shard.window = window.toState();
        shard.endedSenders = endedSenders.stream().mapToInt(Integer::intValue).toArray();
        shard.globalDrifts = drift.drifts();
        shard.driftSmallRoundsLeft = drift.smallRoundsLeft();
        shard.driftDetector = drift.detectorState();
        SourceBaselines.State baselines = drift.baselines();
        shard.driftBaselineSources = baselines == null ? null : baselines.sources();
        shard.driftBaselineMeans = baselines == null ? null : baselines.means();
        shard.driftBaselineExamples = baselines == null ? null : baselines.examples();
        shard.driftBaselineRecent = baselines == null ? null : baselines.recent();
        if (accountant != null) {
            shard.privacy = accountant.toState();
        }
        if (reputation != null) {
            Reputation.State r = reputation.toState();
            shard.reputationSources = r.sources();
            shard.reputationScores = r.scores();
        }
        checkpointed.update(List.of(shard));
    }

    @Override
    public void close() throws Exception {
        if (channel != null) {
            FeedbackChannel.release(settings.loopId(), shard.shard);
        }
        super.close();
    }
}
