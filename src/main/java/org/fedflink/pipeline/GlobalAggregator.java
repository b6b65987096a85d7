package org.fedflink.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
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
import org.fedflink.aggregate.RoundAccumulator;

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
 * <p>Subtask i owns shard i. Its whole state, including the round being collected and the end
 * markers, is checkpointed, so the forward path (examples, updates, versions) is exactly-once;
 * after a restore the restored version is re-published to re-seed the trainers.
 */
public final class GlobalAggregator extends AbstractStreamOperator<GlobalModel>
        implements OneInputStreamOperator<LocalUpdate, GlobalModel> {

    private final AggregatorSettings settings;

    private transient ListState<ShardState> checkpointed;
    private transient ShardState shard;
    private transient List<LocalUpdate> pending;
    private transient Set<String> sources;
    private transient SlidingWindow window;
    private transient Set<Integer> endedSenders;
    private transient long roundId;
    private transient FeedbackChannel channel;
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
            float[] initial = org.fedflink.model.Model.of(settings.model()).initialParams(settings.initSeed());
            restored.params = Arrays.copyOfRange(initial, settings.layout().from(index), settings.layout().to(index));
            restored.serverState = new float[settings.strategy().stateSize(restored.params.length)];
            restored.sources = new String[0];
            restored.pending = new LocalUpdate[0];
            restored.endedSenders = new int[0];
        }
        window = restored.window == null
                ? new SlidingWindow(settings.windowExamples())
                : SlidingWindow.fromState(restored.window);
        shard = restored;
        pending = new ArrayList<>(Arrays.asList(shard.pending));
        sources = new HashSet<>(Arrays.asList(shard.sources));
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
        pending.add(update);
        if (pending.size() >= settings.updatesPerRound()) {
            closeRound(false);
        } else if (pending.size() == 1) {
            armTimeout();
        }
    }

    private void armTimeout() {
        if (settings.timeoutMillis() <= 0) {
            return;
        }
        long round = roundId;
        long due = getProcessingTimeService().getCurrentProcessingTime() + settings.timeoutMillis();
        getProcessingTimeService().registerTimer(due, time -> {
            if (roundId == round && !pending.isEmpty()) {
                closeRound(false);
            }
        });
    }

    private void closeRound(boolean last) {
        RoundAccumulator round = settings.strategy().newRound(shard.params.length);
        long samples = 0;
        long correct = 0;
        double lossSum = 0;
        double staleness = 0;
        Set<String> roundSources = new HashSet<>();
        for (LocalUpdate u : pending) {
            roundSources.add(u.source());
            staleness += shard.version - u.baseVersion();
            round.add(u.delta(), u.samples());
            samples += u.samples();
            correct += u.correct();
            lossSum += u.lossSum();
            sources.add(u.source());
        }
        settings.strategy().apply(shard.params, shard.serverState, round);
        int updates = pending.size();
        pending.clear();
        roundId++;
        shard.version++;
        shard.rounds++;
        shard.parentJobId = shard.jobId;
        shard.jobId = getRuntimeContext().getJobInfo().getJobId().toString();
        shard.createdMillis = System.currentTimeMillis();
        shard.samplesInModel += samples;
        shard.prequentialLossSum += lossSum;
        shard.prequentialCorrect += correct;
        window.add(samples, correct, lossSum);
        roundsClosed.inc();
        publish(snapshot(last, updates, roundSources.size(), samples, staleness / updates));
    }

    private void finish(boolean publishFinal) {
        if (!pending.isEmpty()) {
            closeRound(true);
        } else if (publishFinal) {
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
                last);
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
        shard.window = window.toState();
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
