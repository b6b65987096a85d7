package org.fedflink.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;
import org.fedflink.aggregate.Attacks;
import org.fedflink.aggregate.ShardLayout;
import org.fedflink.data.Example;
import org.fedflink.eval.OutcomeLog;
import org.fedflink.model.Model;
import org.fedflink.model.OffsetLearner;
import org.fedflink.model.OnlineLearner;

/**
 * The local trainer: input 1 is the example stream keyed by source, input 2 the broadcast global
 * models from the feedback loop. Each source trains its own model online (predict, then one
 * optimizer step per example) and reports its progress as a {@link LocalUpdate}, split into one
 * piece per shard, every K examples and/or at event-time round boundaries.
 *
 * <p>State access is built for speed: the models of active sources live in an operator-memory
 * cache (LRU, {@code cacheSize} entries) and are written to keyed state (RocksDB) only before a
 * checkpoint barrier ({@link #prepareSnapshotPreBarrier}), on eviction and at end of input, never
 * once per example.
 *
 * <p>Global models arrive without a key context; they are kept in operator memory and each source
 * adopts the newest one lazily, the next time it is touched (see {@link SourceState} for how its
 * unreported progress is carried over). The newest global model of each shard is also kept in
 * operator state, so a restored trainer trains from it at once (the aggregator re-publishes its
 * model after a restore too, but that takes the loop's round trip).
 *
 * <p>A source's model is a dense copy, or, for a large linear model, the global model plus a
 * sparse offset ({@link SparseSourceModels}; {@code trainer.state}).
 *
 * <p>At the end of the examples it reports every source's remaining progress and sends an end
 * marker to every aggregator subtask, which is how a bounded job terminates.
 *
 * <p>Concept drift ({@link TrainerSettings#drift()}): each source's {@link
 * org.fedflink.drift.DriftReaction} is fed the outcome of every example it learns and follows the
 * count of federation drifts the global models carry; when it says so, the source restarts (a
 * fresh optimizer state, {@link SourceStates#restart}; its schedule counted from there) and a
 * detection of its own goes to {@link DriftEvent#OUTPUT}. An update carries, as its record's
 * timestamp, the event time of its source's last example (for the server's drift events).
 */
public final class LocalTrainer extends AbstractStreamOperator<LocalUpdate>
        implements TwoInputStreamOperator<Example, GlobalModel, LocalUpdate>,
                BoundedMultiInput,
                Triggerable<String, VoidNamespace> {

    /** The prequential predictions, when {@link TrainerSettings#emitPredictions()}. */
    public static final OutputTag<PrequentialPrediction> PREDICTIONS =
            new OutputTag<>("predictions", TypeInformation.of(PrequentialPrediction.class));

    private final TrainerSettings settings;

    private transient OnlineLearner learner;
    /** The sparse state layout, or null when sources hold dense copies. */
    private transient SparseSourceModels sparse;
    private transient float[] initialParams;
    private transient ShardLayout layout;
    private transient ValueState<SourceState> state;
    /** Source state under its pre-{@link SourceStateSerializer} name, while any is left; else null. */
    private transient ValueState<SourceState> legacyState;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient SourceStates states;
    private transient SourceCache cache;
    private transient GlobalModel[] latest;
    /** The newest global parameters, all shards side by side (FedProx's reference, FedSGD's model). */
    private transient float[] global;
    /** SCAFFOLD: the newest server control variate, all shards side by side; else null. */
    private transient float[] serverControl;
    private transient boolean examplesEnded;
    /** The newest global model of each shard, in operator state (see {@link StateDescriptors#trainerGlobals}). */
    private transient ListState<GlobalModel> globalsState;
    /** Global models read from {@link #globalsState} on restore, adopted in {@link #open}. */
    private transient List<GlobalModel> restoredGlobals;
    private transient Counter updatesSent;
    private transient Counter globalsAdopted;
    private transient Counter sourceDrifts;
    /** Which sources are Byzantine under the simulated attack (a pure function of the name, cached). */
    private transient Map<String, Boolean> byzantine;

    public LocalTrainer(TrainerSettings settings) {
        this.settings = settings;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        globalsState = context.getOperatorStateStore().getUnionListState(StateDescriptors.trainerGlobals());
        restoredGlobals = new ArrayList<>();
        for (GlobalModel model : globalsState.get()) {
            restoredGlobals.add(model);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        learner = new OnlineLearner(Model.of(settings.model()), settings.optimizer());
        initialParams = learner.initialParams(settings.initSeed());
        layout = settings.layout();
        sparse = settings.sparseState()
                ? new SparseSourceModels(new OffsetLearner(learner, initialParams), layout)
                : null;
        states = new SourceStates(learner, initialParams, sparse, layout.shards(), settings.drift());
        state = getPartitionedState(StateDescriptors.sourceState());
        ValueState<SourceState> legacy = getPartitionedState(StateDescriptors.legacySourceState());
        // state written before the bulk serializer is read (and moved) only if there is any
        try (var keys = getKeyedStateBackend().<VoidNamespace>getKeys(
                StateDescriptors.legacySourceState().getName(), VoidNamespace.INSTANCE)) {
            legacyState = keys.findAny().isPresent() ? legacy : null;
        }
        timers = getInternalTimerService("round-boundaries", VoidNamespaceSerializer.INSTANCE, this);
        latest = new GlobalModel[layout.shards()];
        global = initialParams.clone();
        serverControl = settings.localStep() == TrainerSettings.LocalStep.CONTROLLED
                ? new float[initialParams.length] : null;
        cache = new SourceCache(settings.cacheSize(), this, SourceCache.store(this::readStored, state, states));
        updatesSent = getMetricGroup().counter("updatesSent");
        globalsAdopted = getMetricGroup().counter("globalVersionsReceived");
        sourceDrifts = getMetricGroup().counter("sourceDrifts");
        byzantine = new java.util.concurrent.ConcurrentHashMap<>();
        if (settings.attack() != null) {
            getMetricGroup().gauge("byzantineSources", () -> byzantine.values().stream().filter(b -> b).count());
        }
        // every subtask's copies come back (union state): the newest version of each shard wins
        for (GlobalModel model : restoredGlobals) {
            adopt(model);
        }
        restoredGlobals = null;
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<GlobalModel> held = new ArrayList<>();
        for (GlobalModel model : latest) {
            if (model != null) {
                held.add(model);
            }
        }
        globalsState.update(held);
    }

    private boolean isByzantine(String source) {
        SimulatedAttack attack = settings.attack();
        return attack != null && byzantine.computeIfAbsent(source, attack::isByzantine);
    }

    @Override
    public void processElement1(StreamRecord<Example> record) throws Exception {
        Example example = record.getValue();
        String source = (String) getCurrentKey();
        SourceState s = cache.load(source);
        s.dirty = true;
        rebase(s);
        // a label-flipping Byzantine source learns (and is scored) on the flipped label
        double label = settings.attack() == null
                ? example.label()
                : settings.attack().label(isByzantine(source), example.label());
        OnlineLearner.Outcome outcome = learn(s, example, label);
        if (settings.emitPredictions()) {
            PrequentialPrediction prediction = new PrequentialPrediction(example.source(), example.timestamp(),
                    example.label(), outcome.prediction(), outcome.loss(), baseVersion(s), s.samples);
            output.collect(PREDICTIONS, record.hasTimestamp()
                    ? new StreamRecord<>(prediction, record.getTimestamp())
                    : new StreamRecord<>(prediction));
        }
        s.steps++;
        if (s.drift.observe(s.steps, outcome.loss(), outcome.correct())) {
            states.restart(s);
            sourceDrifts.inc();
            DriftEvent drift = new DriftEvent(example.timestamp(), baseVersion(s), source, s.drift.detectorName(),
                    s.drift.statistic());
            output.collect(DriftEvent.OUTPUT, new StreamRecord<>(drift, example.timestamp()));
        }
        s.samples++;
        if (s.outcomes == null) {
            s.outcomes = new OutcomeLog();
        }
        s.outcomes.add((float) outcome.loss(), outcome.correct());
        s.lossSum += outcome.loss();
        if (outcome.correct()) {
            s.correct++;
        }
        if (s.samples >= settings.localExamples()) {
            // every K examples an opportunity to report, taken with probability rounds.sampleFraction
            if (s.samples % settings.localExamples() == 0 && settings.participation().takesPart(source, s.steps)) {
                report(source, s, example.timestamp());
            }
        } else if (settings.eventTimeMillis() > 0 && record.hasTimestamp()) {
            long boundary = boundaryAfter(record.getTimestamp());
            if (s.timerAt != boundary) {
                timers.registerEventTimeTimer(VoidNamespace.INSTANCE, boundary);
                s.timerAt = boundary;
            }
        }
    }

    /** The global version a source's model is based on: the oldest over shards. */
    private static long baseVersion(SourceState s) {
        long base = Long.MAX_VALUE;
        for (long v : s.baseVersions) {
            base = Math.min(base, v);
        }
        return base;
    }

    /**
     * One example's local work, as the strategy shapes it, at the schedule's step: the source's
     * steps since its last drift restart.
     */
    private OnlineLearner.Outcome learn(SourceState s, Example example, double label) {
        long step = s.drift.scheduleStep(s.steps);
        switch (settings.localStep()) {
            case GRADIENT:
                // params - anchor accumulates the steps; the example is scored and differentiated
                // at the global model, which no local step moves
                return learner.accumulateStep(global, step, example.indices(), example.values(), label, s.params);
            case PROXIMAL: {
                OnlineLearner.Outcome outcome = learner.learn(
                        s.params, s.optimizerState, step, example.indices(), example.values(), label);
                learner.proximalStep(s.params, global, step, settings.proximalMu());
                return outcome;
            }
            case CONTROLLED: {
                OnlineLearner.Outcome outcome = learner.learn(
                        s.params, s.optimizerState, step, example.indices(), example.values(), label);
                if (s.control == null) {
                    s.control = new float[s.params.length];
                }
                s.rateSum += learner.controlStep(s.params, serverControl, s.control, step);
                return outcome;
            }
            default:
                return sparse != null
                        ? sparse.learn(s, step, example.indices(), example.values(), label)
                        : learner.learn(s.params, s.optimizerState, step, example.indices(), example.values(), label);
        }
    }

    /** The last millisecond of the event-time round that contains {@code timestamp}. */
    private long boundaryAfter(long timestamp) {
        long length = settings.eventTimeMillis();
        return Math.floorDiv(timestamp, length) * length + length - 1;
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        String source = timer.getKey();
        SourceState s = cache.load(source);
        if (s.timerAt == timer.getTimestamp()) {
            s.timerAt = Long.MIN_VALUE;
        }
        if (s.samples > 0 && settings.participation().takesPart(source, s.steps)) {
            s.dirty = true;
            rebase(s);
            report(source, s, timer.getTimestamp());
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {}

    @Override
    public void processElement2(StreamRecord<GlobalModel> record) {
        if (adopt(record.getValue())) {
            globalsAdopted.inc();
        }
    }

    /** Makes {@code model} the newest global version of its shard, unless one as new is held; whether it did. */
    private boolean adopt(GlobalModel model) {
        GlobalModel current = latest[model.shard()];
        if (current == null || model.version() > current.version()) {
            latest[model.shard()] = model;
            int from = layout.from(model.shard());
            System.arraycopy(model.params(), 0, global, from, model.params().length);
            if (sparse != null && settings.adoptGlobal()) {
                // without adoption the sources' base stays the initial model
                sparse.setGlobal(from, model.params());
            }
            if (serverControl != null && model.control() != null) {
                System.arraycopy(model.control(), 0, serverControl, from, model.control().length);
            }
            return true;
        }
        return false;
    }

    /**
     * Adopts, shard by shard, any global version newer than the one the source is based on; a
     * version that carries federation drifts the source has not followed restarts it.
     */
    private void rebase(SourceState s) {
        if (!settings.adoptGlobal()) {
            return;
        }
        for (int shard = 0; shard < latest.length; shard++) {
            GlobalModel global = latest[shard];
            if (global == null || global.version() <= s.baseVersions[shard]) {
                continue;
            }
            if (sparse != null) {
                sparse.rebase(s, shard);
            } else {
                float[] g = global.params();
                int from = layout.from(shard);
                float[] params = s.params;
                float[] anchor = s.anchor;
                for (int i = 0; i < g.length; i++) {
                    int j = from + i;
                    params[j] = g[i] + (params[j] - anchor[j]);
                    anchor[j] = g[i];
                }
            }
            s.baseVersions[shard] = global.version();
            if (s.drift.followFederation(s.steps, global.globalDrifts())) {
                states.restart(s);
            }
        }
    }

    /**
     * Sends the progress since the last report, one piece per shard, and moves the anchor. FedSGD
     * sends the mean of its summed steps; SCAFFOLD sends its control variate's change beside the
     * model's; with local DP the whole update is clipped and noised first. A Byzantine source of
     * an update attack corrupts what it sends; its own model stays honest.
     *
     * @param time the event time of the source's last example (the pieces' record timestamp), or
     *     {@link Long#MIN_VALUE} for none
     */
    private void report(String source, SourceState s, long time) {
        boolean corrupt = settings.attack() != null && isByzantine(source);
        if (sparse != null && settings.localDp() == null && !corrupt) {
            reportSparse(s, time);
            return;
        }
        float[] delta;
        if (sparse != null) {
            // noise and attacks change every coordinate: the update goes dense
            delta = sparse.takeDenseProgress(s);
        } else {
            delta = new float[s.params.length];
            for (int j = 0; j < delta.length; j++) {
                delta[j] = s.params[j] - s.anchor[j];
            }
            System.arraycopy(s.params, 0, s.anchor, 0, delta.length);
        }
        float[] controlDelta = null;
        if (settings.localStep() == TrainerSettings.LocalStep.CONTROLLED) {
            controlDelta = newControl(s, delta);
        } else if (settings.localStep() == TrainerSettings.LocalStep.GRADIENT) {
            float mean = 1f / s.samples;
            for (int j = 0; j < delta.length; j++) {
                delta[j] *= mean;
            }
        }
        if (settings.localDp() != null) {
            // s.steps only grows, so it numbers the source's updates, alike on every replay
            settings.localDp().privatize(delta, Attacks.updateSeed(settings.initSeed(), source, s.steps));
        }
        int sender = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        for (int shard = 0; shard < layout.shards(); shard++) {
            int from = layout.from(shard);
            int to = layout.to(shard);
            float[] piece = Arrays.copyOfRange(delta, from, to);
            if (corrupt) {
                settings.attack().corrupt(true, source, s.steps, shard, layout.shards(), piece);
            }
            emit(withOutcomes(shard, s, new LocalUpdate(
                    shard, source, s.baseVersions[shard], s.samples, s.lossSum, s.correct, piece, false, sender,
                    controlDelta == null ? null : Arrays.copyOfRange(controlDelta, from, to))), time);
        }
        reported(s);
    }

    /** {@link #report} of a sparse source: one sparse piece per shard. */
    private void reportSparse(SourceState s, long time) {
        SparseSourceModels.Piece[] pieces = sparse.takeProgress(s);
        int sender = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        for (int shard = 0; shard < pieces.length; shard++) {
            emit(withOutcomes(shard, s, new LocalUpdate(
                    shard, (String) getCurrentKey(), s.baseVersions[shard], s.samples, s.lossSum, s.correct,
                    pieces[shard].values(), false, sender, null, pieces[shard].indices())), time);
        }
        reported(s);
    }

    /** Sends an update piece, stamped with {@code time} unless it is {@link Long#MIN_VALUE}. */
    private void emit(LocalUpdate piece, long time) {
        output.collect(time == Long.MIN_VALUE ? new StreamRecord<>(piece) : new StreamRecord<>(piece, time));
    }

    /**
     * Shard 0's piece carries the outcome of every example it reports, for the server's exact
     * window. A source restored from state written before outcomes were kept may hold fewer than
     * its samples: its piece then goes without (the server counts those examples at their mean).
     */
    private static LocalUpdate withOutcomes(int shard, SourceState s, LocalUpdate piece) {
        return shard == 0 && s.outcomes != null && s.outcomes.size() == s.samples ? piece.withOutcomes(s.outcomes)
                : piece;
    }

    private void reported(SourceState s) {
        updatesSent.inc();
        s.samples = 0;
        s.lossSum = 0;
        s.correct = 0;
        if (s.outcomes != null) {
            s.outcomes.clear();
        }
    }

    /**
     * SCAFFOLD's new source control variate (Karimireddy et al. 2020, Algorithm 1, option II):
     * {@code c_i+ = c_i - c + (x - y) / (sum of the step sizes)}, with {@code y - x = delta} the
     * progress since the last report. Returns {@code c_i+ - c_i} and stores {@code c_i+}.
     */
    private float[] newControl(SourceState s, float[] delta) {
        if (s.control == null) {
            s.control = new float[delta.length];
        }
        float[] change = new float[delta.length];
        double inverseRate = s.rateSum > 0 ? 1 / s.rateSum : 0;
        for (int j = 0; j < delta.length; j++) {
            change[j] = (float) (-serverControl[j] - delta[j] * inverseRate);
            s.control[j] += change[j];
        }
        s.rateSum = 0;
        return change;
    }

    /**
     * The source's state in keyed state, or null. State an earlier version wrote under the
     * legacy name is moved: read, cleared there and marked changed, so it is written anew.
     */
    private SourceState readStored() throws Exception {
        SourceState s = state.value();
        if (s == null && legacyState != null) {
            s = legacyState.value();
            if (s != null) {
                legacyState.clear();
                s.dirty = true;
            }
        }
        return s;
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        cache.writeBack();
    }

    @Override
    public void endInput(int inputId) throws Exception {
        if (inputId != 1 || examplesEnded) {
            return;
        }
        examplesEnded = true;
        cache.writeBack();
        cache.clear();
        // Every source this subtask ever saw, including evicted ones, may hold unreported progress.
        Set<String> sources = SourceCache.storedSources(getKeyedStateBackend(), StateDescriptors.sourceState());
        if (legacyState != null) {
            sources.addAll(SourceCache.storedSources(getKeyedStateBackend(), StateDescriptors.legacySourceState()));
        }
        for (String source : sources) {
            setCurrentKey(source);
            SourceState s = readStored();
            if (s == null) {
                continue;
            }
            if (s.samples > 0) {
                states.restored(s);
                rebase(s);
                report(source, s, Long.MIN_VALUE);
                s.dirty = true;
            }
            if (s.dirty) {
                cache.write(s);
            }
        }
        int sender = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        for (int shard = 0; shard < layout.shards(); shard++) {
            output.collect(new StreamRecord<>(LocalUpdate.endMarker(shard, sender)));
        }
    }

    // Event time comes from the examples only: the feedback input carries no event time and must
    // not hold back the round timers.
    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        super.processWatermark(mark);
    }

    @Override
    public void processWatermark2(Watermark mark) {}

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int index) throws Exception {
        if (index == 0) {
            super.processWatermarkStatus(status);
        }
    }

    @Override
    public String toString() {
        return "LocalTrainer" + settings;
    }
}
