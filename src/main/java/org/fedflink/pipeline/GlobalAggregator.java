package org.fedflink.pipeline;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.fedflink.drift.DriftSettings;
import org.fedflink.federation.AggregationStrategy;
import org.fedflink.federation.ClosedRound;
import org.fedflink.federation.ShardServer;
import org.fedflink.model.Model;

/**
 * The operator of one shard's server ({@link ShardServer}): it holds the shard's checkpointed
 * state, closes a round on its deadline and at the end of the input, and publishes every new
 * version both downstream (model writer) and into the feedback loop (to every trainer): whole,
 * or as the coordinates a sparse round changed once the version before went out whole
 * ({@link GlobalModel#changedIndices}).
 *
 * <p>A round closes when the server says it is full, or when its oldest update has waited {@code
 * timeoutMillis} (processing time), so stragglers cannot stall it. When every trainer subtask has
 * sent its end marker, the last partial round closes, the final version is published and the
 * feedback channel ends, which lets the loop and the job finish.
 *
 * <p>Concept drift ({@link AggregatorSettings#drift()}): shard 0, whose pieces carry every
 * example's outcome, watches for a federation drift; each detection counts into every version
 * published from then on (the trainers' sources restart when they adopt a higher count) and goes
 * out as a {@link DriftEvent} to {@link DriftEvent#OUTPUT}.
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
    /** The checkpointed form of the shard; what the server does not hold (identity, end of input) lives here only. */
    private transient ShardState shard;
    private transient ShardServer<LocalUpdate> server;
    private transient Set<Integer> endedSenders;
    /** Counts the rounds closed, so that a deadline fires only for the round it was set for. */
    private transient long roundId;
    private transient FeedbackChannel channel;
    /** The version last published to the trainers and the writer in this attempt; -1 before any. */
    private transient long lastPublished;
    private transient Counter roundsClosed;
    private transient Counter updatesReceived;

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
            float[] initial = Model.of(settings.model()).initialParams(settings.initSeed());
            restored.params = Arrays.copyOfRange(initial, settings.layout().from(index), settings.layout().to(index));
            restored.sources = new String[0];
            restored.pending = new LocalUpdate[0];
            restored.endedSenders = new int[0];
        }
        AggregationStrategy strategy = settings.strategy();
        int stateSize = strategy.stateSize(restored.params.length);
        // by simple name: the strategies' package has moved (aggregate -> federation) under saved states
        boolean sameStrategy = restored.strategy == null
                || simpleName(restored.strategy).equals(strategy.getClass().getSimpleName());
        if (restored.serverState == null || restored.serverState.length != stateSize || !sameStrategy) {
            // a new job, or one resumed with another strategy: its optimizer state starts at zeros
            if (restored.serverState != null && restored.serverState.length > 0) {
                LOG.warn("shard {}: the restored server state belongs to {}; {} starts from a fresh state",
                        index, restored.strategy, strategy);
            }
            restored.serverState = new float[stateSize];
        }
        restored.strategy = strategy.getClass().getName();
        shard = restored;
        server = ShardStates.server(settings, shard);
        endedSenders = new TreeSet<>();
        for (int s : shard.endedSenders) {
            endedSenders.add(s);
        }
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    @Override
    public void open() throws Exception {
        super.open();
        roundsClosed = getMetricGroup().counter("roundsClosed");
        updatesReceived = getMetricGroup().counter("updatesReceived");
        getMetricGroup().gauge("globalVersion", () -> server.version());
        // run totals from checkpointed state, so they survive restarts (Flink counters would not)
        getMetricGroup().gauge("roundsSkipped", () -> server.roundsSkipped());
        getMetricGroup().gauge("updatesRejected", () -> server.updatesRejected());
        getMetricGroup().gauge("updatesTooStale", () -> server.updatesTooStale());
        getMetricGroup().gauge("globalDrifts", () -> server.drift().drifts());
        if (server.privacy().isPresent()) {
            getMetricGroup().gauge("epsilon", () -> server.epsilon());
        }
        channel = FeedbackChannel.of(settings.loopId(), shard.shard);
        lastPublished = -1;
        if (server.version() > 0) {
            channel.offer(snapshot(false, ClosedRound.skipped()));
        }
        if (shard.finished) {
            channel.end();
        } else if (server.collecting()) {
            armTimeout();
        }
    }

    @Override
    public void processElement(StreamRecord<LocalUpdate> record) throws Exception {
        LocalUpdate update = record.getValue();
        if (update.endOfInput()) {
            endedSenders.add(update.sender());
            if (endedSenders.size() >= settings.trainerParallelism() && !shard.finished) {
                finishInput();
            }
            return;
        }
        updatesReceived.inc();
        switch (server.offer(update, record.hasTimestamp() ? record.getTimestamp() : Long.MIN_VALUE)) {
            case ROUND_FULL -> closeRound(false);
            case OPENED_ROUND -> armTimeout();
            default -> { }
        }
    }

    private void armTimeout() {
        if (settings.timeoutMillis() <= 0) {
            return;
        }
        long round = roundId;
        long due = getProcessingTimeService().getCurrentProcessingTime() + settings.timeoutMillis();
        getProcessingTimeService().registerTimer(due, time -> {
            if (roundId == round && server.collecting()) {
                if (server.mayCloseOnDeadline()) {
                    closeRound(false);
                } else {
                    // the deadline never closes a round below minSources: wait another period
                    armTimeout();
                }
            }
        });
    }

    private void closeRound(boolean last) {
        ClosedRound round = server.close();
        roundId++;
        if (!round.applied()) {
            if (last) {
                publish(snapshot(true, round));
            }
            return;
        }
        shard.parentJobId = shard.jobId;
        shard.jobId = getRuntimeContext().getJobInfo().getJobId().toString();
        shard.createdMillis = System.currentTimeMillis();
        roundsClosed.inc();
        publish(snapshot(last, round));
        for (double statistic : round.drifts()) {
            output.collect(DriftEvent.OUTPUT, new StreamRecord<>(new DriftEvent(server.newestUpdateTime(),
                    server.version(), DriftSettings.GLOBAL, server.drift().detectorName(), statistic)));
        }
    }

    private void finishInput() {
        if (server.collecting()) {
            closeRound(true);
        } else {
            // The last round closed exactly on the last update: its version is out already, not
            // marked final, and a published version is never published again (the model topic
            // holds each version once). The final version is the next one, the same model.
            server.nextVersionSameModel();
            publish(snapshot(true, ClosedRound.skipped()));
        }
        shard.finished = true;
        channel.end();
    }

    /**
     * The shard's current version, with the figures of the round that made it: only the
     * coordinates it changed when every receiver holds the version before it and they are few.
     */
    private GlobalModel snapshot(boolean last, ClosedRound round) {
        int[] changed = changesToPublish();
        return new GlobalModel(
                server.shard(),
                settings.layout().shards(),
                server.version(),
                changed == null ? server.params() : server.paramsAt(changed),
                server.samplesInModel(),
                server.sourceCount(),
                server.rounds(),
                System.currentTimeMillis(),
                round.updates(),
                round.sources(),
                round.samples(),
                round.meanStaleness(),
                server.prequentialLoss(),
                server.prequentialAccuracy(),
                server.window().meanLoss(),
                server.window().accuracy(),
                last,
                server.roundsSkipped(),
                server.updatesRejected(),
                server.updatesTooStale(),
                server.epsilon(),
                server.privacyDelta(),
                // the trainers' corrected steps need the server control variate
                server.publishedControl(),
                server.drift().drifts(),
                changed == null ? -1 : lastPublished,
                changed);
    }

    /**
     * The coordinates the current version changed, if the trainers and the writer got the version
     * before it from this attempt (a restored aggregator's first version goes out whole) and they
     * are at most a quarter of the shard (a sparse round); null to publish the whole shard.
     */
    private int[] changesToPublish() {
        int[] changed = server.changedByVersion();
        if (changed == null || lastPublished < 0 || lastPublished != server.version() - 1) {
            return null;
        }
        int length = settings.layout().to(shard.shard) - settings.layout().from(shard.shard);
        return changed.length <= length / 4 ? changed : null;
    }

    private void publish(GlobalModel model) {
        // Into the loop first: the trainers must not wait for a slow model sink.
        channel.offer(model);
        output.collect(new StreamRecord<>(model));
        lastPublished = model.version();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        ShardStates.store(server, shard);
        shard.endedSenders = endedSenders.stream().mapToInt(Integer::intValue).toArray();
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
