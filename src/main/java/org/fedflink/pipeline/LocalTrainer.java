package org.fedflink.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;
import org.fedflink.data.DecodeBuffer;
import org.fedflink.data.Example;
import org.fedflink.federation.Attacks;
import org.fedflink.federation.LocalDp;
import org.fedflink.federation.LocalLearner;
import org.fedflink.federation.ShardLayout;
import org.fedflink.federation.SourceModel;
import org.fedflink.federation.SparseSourceModels;
import org.fedflink.io.RecordSequence;
import org.fedflink.model.OnlineLearner;

/**
 * The local trainer: input 1 is the example stream keyed by source, input 2 the broadcast global
 * models from the feedback loop. Each source trains its own model online ({@link LocalLearner}:
 * predict, then one step per example, as the strategy shapes it) and reports its progress as a
 * {@link LocalUpdate}, split into one piece per shard, every K examples and/or at event-time
 * round boundaries. This operator holds the sources' state, the timers and the I/O.
 *
 * <p>State access is built for speed: the models of active sources live in an operator-memory
 * cache (LRU, at most {@code cacheSize} sources taking at most {@code cacheBytes}) and are written
 * to keyed state (RocksDB) only before a checkpoint barrier ({@link #prepareSnapshotPreBarrier}),
 * on eviction and at end of input, never once per example. Likewise the sources waiting for an
 * event-time boundary are held in memory ({@link PendingBoundaries}) and reported when a watermark
 * passes it; a source gets a keyed timer only when its state goes to keyed state, so the timers
 * cover exactly what memory does not.
 *
 * <p>Global models arrive without a key context; they are kept in operator memory and each source
 * adopts the newest one lazily, the next time it is touched (see {@link LocalLearner} for how its
 * unreported progress is carried over). The newest global model of each shard is also kept in
 * operator state, so a restored trainer trains from it at once (the aggregator re-publishes its
 * model after a restore too, but that takes the loop's round trip).
 *
 * <p>At the end of the examples it reports every source's remaining progress and sends an end
 * marker to every aggregator subtask, which is how a bounded job terminates.
 *
 * <p>Concept drift ({@link TrainerSettings#drift()}): each source's {@link
 * org.fedflink.drift.DriftReaction} is fed the outcome of every example it learns and follows the
 * count of federation drifts the global models carry; when it says so, the source restarts (a
 * fresh optimizer state; its schedule counted from there) and a
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

    private transient LocalLearner learner;
    private transient ShardLayout layout;
    private transient ValueState<SourceModel> state;
    /** Source state under its pre-{@link SourceStateSerializer} name, while any is left; else null. */
    private transient ValueState<SourceState> legacyState;
    private transient InternalTimerService<VoidNamespace> timers;
    /** Cached sources waiting for a boundary; a keyed timer only when one goes to keyed state. */
    private transient PendingBoundaries pending;
    private transient SourceCache cache;
    private transient DecodeBuffer decoded;
    private transient GlobalModel[] latest;
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
    /** The subtask's share of the input, when it reads its own ({@link TrainerSettings#input()}); else null. */
    private transient OwnInputReader ownInput;

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
        if (settings.input().isPresent()) {
            ownInput = new OwnInputReader(settings.input().get());
            ownInput.initializeState(context.getOperatorStateStore());
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        decoded = new DecodeBuffer();
        layout = settings.layout();
        learner = new LocalLearner(settings.model(), settings.optimizer(), settings.initSeed(), layout,
                settings.sparseState(), settings.localStep(), settings.adoptGlobal(), settings.drift());
        state = getPartitionedState(StateDescriptors.sourceState());
        ValueState<SourceState> legacy = getPartitionedState(StateDescriptors.legacySourceState());
        // state written before the bulk serializer is read (and moved) only if there is any
        try (var keys = getKeyedStateBackend().<VoidNamespace>getKeys(
                StateDescriptors.legacySourceState().getName(), VoidNamespace.INSTANCE)) {
            legacyState = keys.findAny().isPresent() ? legacy : null;
        }
        timers = getInternalTimerService("round-boundaries", VoidNamespaceSerializer.INSTANCE, this);
        pending = new PendingBoundaries(settings.cacheSize());
        latest = new GlobalModel[layout.shards()];
        cache = new SourceCache(settings.cacheSize(), settings.cacheBytes(), this,
                SourceCache.store(this::readStored, state, learner, this::keepBoundaryTimer));
        updatesSent = getMetricGroup().counter("updatesSent");
        globalsAdopted = getMetricGroup().counter("globalVersionsReceived");
        sourceDrifts = getMetricGroup().counter("sourceDrifts");
        byzantine = new java.util.concurrent.ConcurrentHashMap<>();
        if (settings.attack().isPresent()) {
            getMetricGroup().gauge("byzantineSources", () -> byzantine.values().stream().filter(b -> b).count());
        }
        // every subtask's copies come back (union state): the newest version of each shard wins
        for (GlobalModel model : restoredGlobals) {
            adopt(model);
        }
        restoredGlobals = null;
        if (ownInput != null) {
            TaskInfo task = getRuntimeContext().getTaskInfo();
            int maxParallelism = task.getMaxNumberOfParallelSubtasks();
            ownInput.open(getMetricGroup(), KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
                            maxParallelism, task.getNumberOfParallelSubtasks(), task.getIndexOfThisSubtask()),
                    maxParallelism, task.getNumberOfParallelSubtasks(),
                    getContainingTask().getMailboxExecutorFactory().createExecutor(TaskMailbox.MIN_PRIORITY),
                    getProcessingTimeService(), getContainingTask().getEnvironment().getAllWriters(),
                    new OwnInputTrainer());
        }
    }

    /** Trains what the subtask reads of its own input, as it would the examples of its first input. */
    private final class OwnInputTrainer implements OwnInputReader.Trainer {
        @Override
        public void train(Example example, long timestamp) throws Exception {
            setCurrentKey(example.source());
            LocalTrainer.this.train(example.source(), example, timestamp);
        }

        @Override
        public void deadLetter(DeadLetter deadLetter) {
            output.collect(Ingest.DEAD_LETTERS, new StreamRecord<>(deadLetter));
        }

        @Override
        public void watermark(long watermark) throws Exception {
            advanceWatermark(new Watermark(watermark));
        }

        @Override
        public long sourcesLoaded() {
            return cache.sourcesLoaded();
        }

        @Override
        public void ended() throws Exception {
            examplesEnded();
            ownInput.writeCounts(getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<GlobalModel> held = new ArrayList<>();
        for (GlobalModel model : latest) {
            if (model != null) {
                held.add(model.changesOnly() ? model.withWholeShard(learner.globalShard(model.shard())) : model);
            }
        }
        globalsState.update(held);
        if (ownInput != null) {
            ownInput.snapshotState();
        }
    }

    private boolean isByzantine(String source) {
        Optional<SimulatedAttack> attack = settings.attack();
        return attack.isPresent() && byzantine.computeIfAbsent(source, attack.get()::isByzantine);
    }

    @Override
    public void processElement1(StreamRecord<Example> record) throws Exception {
        train((String) getCurrentKey(), record.getValue(),
                record.hasTimestamp() ? record.getTimestamp() : RecordSequence.NO_TIMESTAMP);
    }

    /** Trains {@code source}'s {@code example}, the key context set to it; {@code timestamp} NO_TIMESTAMP for none. */
    private void train(String source, Example example, long timestamp) throws Exception {
        SourceModel s = cache.load(source);
        s.dirty = true;
        learner.rebase(s);
        // a label-flipping Byzantine source learns (and is scored) on the flipped label
        Optional<SimulatedAttack> attack = settings.attack();
        double label = attack.isPresent() ? attack.get().label(isByzantine(source), example.label()) : example.label();
        OnlineLearner.Outcome outcome = learner.learn(s, example.indices(), decoded.values(example), label);
        if (settings.emitPredictions()) {
            // the examples before this one in the source's coming report
            long before = s.samples - 1;
            PrequentialPrediction prediction = new PrequentialPrediction(example.source(), example.timestamp(),
                    example.label(), outcome.prediction(), outcome.loss(), s.baseVersion(), before);
            output.collect(PREDICTIONS, timestamp != RecordSequence.NO_TIMESTAMP
                    ? new StreamRecord<>(prediction, timestamp)
                    : new StreamRecord<>(prediction));
        }
        if (learner.driftDetected(s, outcome)) {
            sourceDrifts.inc();
            DriftEvent drift = new DriftEvent(example.timestamp(), s.baseVersion(), source, s.drift.detectorName(),
                    s.drift.statistic());
            output.collect(DriftEvent.OUTPUT, new StreamRecord<>(drift, example.timestamp()));
        }
        if (s.samples >= settings.localExamples()) {
            // every K examples an opportunity to report, taken with probability rounds.sampleFraction
            if (s.samples % settings.localExamples() == 0 && settings.participation().takesPart(source, s.steps)) {
                report(source, s, example.timestamp());
                if (ownInput != null) {
                    ownInput.updateSent();
                }
            }
        } else if (settings.eventTimeMillis() > 0 && timestamp != RecordSequence.NO_TIMESTAMP) {
            long boundary = boundaryAfter(timestamp);
            if (s.timerAt != boundary) {
                s.timerAt = boundary;
                if (!pending.add(boundary, source)) {
                    keepBoundaryTimer(s);
                }
            }
        }
    }

    /**
     * A state going to keyed state (evicted, written back before a barrier) takes its pending
     * boundary along as a keyed timer, which the state backend checkpoints, restores and rescales
     * with the key; {@link #pending} covers only what stays in operator memory.
     */
    private void keepBoundaryTimer(SourceModel s) {
        if (s.timerAt != Long.MIN_VALUE && s.keyedTimerAt != s.timerAt) {
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, s.timerAt);
            s.keyedTimerAt = s.timerAt;
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
        boundaryPassed(source, cache.load(source), timer.getTimestamp());
    }

    /** Reports every cached source whose boundary {@code watermark} passes (the evicted ones have keyed timers). */
    private void reportPassedBoundaries(long watermark) throws Exception {
        for (PendingBoundaries.Due due = pending.pollDue(watermark); due != null; due = pending.pollDue(watermark)) {
            for (String source : due.sources()) {
                SourceModel s = cache.peek(source);
                if (s != null) {
                    setCurrentKey(source);
                    boundaryPassed(source, s, due.boundary());
                }
            }
        }
    }

    /** At a boundary a source reports whatever it has not (a second call for the same boundary finds nothing). */
    private void boundaryPassed(String source, SourceModel s, long boundary) {
        if (s.timerAt == boundary) {
            s.timerAt = Long.MIN_VALUE;
        }
        if (s.samples > 0 && settings.participation().takesPart(source, s.steps)) {
            s.dirty = true;
            learner.rebase(s);
            report(source, s, boundary);
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {}

    @Override
    public void processElement2(StreamRecord<GlobalModel> record) {
        if (ownInput != null) {
            ownInput.feedbackArrived(record.getValue());
        }
        if (adopt(record.getValue())) {
            globalsAdopted.inc();
        }
    }

    /** Makes {@code model} the newest global version of its shard, unless one as new is held; whether it did. */
    private boolean adopt(GlobalModel model) {
        boolean newer = model.changesOnly()
                ? learner.adoptChanges(model.shard(), model.version(), model.changesFrom(), model.globalDrifts(),
                        model.changedIndices(), model.params(), model.control())
                : learner.adopt(model.shard(), model.version(), model.globalDrifts(), model.params(), model.control());
        if (!newer) {
            return false;
        }
        latest[model.shard()] = model;
        return true;
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
    private void report(String source, SourceModel s, long time) {
        Optional<SimulatedAttack> attack = settings.attack();
        boolean corrupt = isByzantine(source);
        Optional<LocalDp> localDp = settings.localDp();
        // clipping, noise and corruption need the whole update dense
        LocalLearner.Progress progress = learner.takeProgress(s, localDp.isPresent() || corrupt);
        int sender = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        if (progress.pieces() != null) {
            SparseSourceModels.Piece[] pieces = progress.pieces();
            for (int shard = 0; shard < pieces.length; shard++) {
                emit(withOutcomes(shard, s, new LocalUpdate(
                        shard, source, s.baseVersions[shard], s.samples, s.lossSum, s.correct,
                        pieces[shard].values(), false, sender, null, pieces[shard].indices())), time);
            }
            reported(s);
            return;
        }
        float[] delta = progress.delta();
        float[] controlDelta = progress.controlDelta();
        if (localDp.isPresent()) {
            // s.steps only grows, so it numbers the source's updates, alike on every replay
            localDp.get().privatize(delta, Attacks.updateSeed(settings.initSeed(), source, s.steps));
        }
        for (int shard = 0; shard < layout.shards(); shard++) {
            int from = layout.from(shard);
            int to = layout.to(shard);
            float[] piece = slice(delta, from, to);
            if (corrupt) {
                attack.get().corrupt(true, source, s.steps, shard, layout.shards(), piece);
            }
            emit(withOutcomes(shard, s, new LocalUpdate(
                    shard, source, s.baseVersions[shard], s.samples, s.lossSum, s.correct, piece, false, sender,
                    controlDelta == null ? null : slice(controlDelta, from, to))), time);
        }
        reported(s);
    }

    /** {@code a[from, to)}: {@code a} itself when that is all of it (one shard), a report's arrays being fresh. */
    private static float[] slice(float[] a, int from, int to) {
        return from == 0 && to == a.length ? a : Arrays.copyOfRange(a, from, to);
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
    private static LocalUpdate withOutcomes(int shard, SourceModel s, LocalUpdate piece) {
        return shard == 0 && s.outcomes != null && s.outcomes.size() == s.samples ? piece.withOutcomes(s.outcomes)
                : piece;
    }

    private void reported(SourceModel s) {
        updatesSent.inc();
        LocalLearner.reported(s);
    }

    /**
     * The source's state in keyed state, or null. State an earlier version wrote under the
     * legacy name is moved: read, cleared there and marked changed, so it is written anew.
     */
    private SourceModel readStored() throws Exception {
        SourceModel s = state.value();
        if (s == null && legacyState != null) {
            SourceState legacy = legacyState.value();
            if (legacy != null) {
                legacyState.clear();
                s = legacy.toModel();
            }
        }
        if (s != null) {
            // a stored state's boundary got its keyed timer when the state was written
            s.keyedTimerAt = s.timerAt;
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
        // a trainer reading its own input ends with it, not with its (empty) first input
        if (inputId == 1 && ownInput == null) {
            examplesEnded();
        }
    }

    /** At the end of the examples: every source's remaining progress, then an end marker to every aggregator. */
    private void examplesEnded() throws Exception {
        if (examplesEnded) {
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
            SourceModel s = readStored();
            if (s == null) {
                continue;
            }
            if (s.samples > 0) {
                learner.restored(s);
                learner.rebase(s);
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
        if (ownInput == null) {
            advanceWatermark(mark);
        }
    }

    private void advanceWatermark(Watermark mark) throws Exception {
        reportPassedBoundaries(mark.getTimestamp());
        super.processWatermark(mark);
    }

    @Override
    public void processWatermark2(Watermark mark) {}

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int index) throws Exception {
        if (index == 0 && ownInput == null) {
            super.processWatermarkStatus(status);
        }
    }

    @Override
    public void close() throws Exception {
        if (ownInput != null) {
            ownInput.close();
        }
        super.close();
    }

    @Override
    public String toString() {
        return "LocalTrainer" + settings;
    }
}
