package org.fedflink.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.fedflink.data.DecodeBuffer;
import org.fedflink.data.Example;
import org.fedflink.drift.DriftSettings;
import org.fedflink.eval.Evaluator;
import org.fedflink.eval.HoldoutSets;
import org.fedflink.eval.LocalBaseline;
import org.fedflink.federation.LocalLearner;
import org.fedflink.federation.LocalStep;
import org.fedflink.federation.SourceModel;
import org.fedflink.model.Model;
import org.fedflink.model.OnlineLearner;

/**
 * The local-only baseline: every source trains its own model alone on its own examples, in order
 * (predict, then one optimizer step each), with the model and optimizer of the federated trainers
 * and never a global model. At the end of the input each source's model is scored on the holdout
 * sets and its {@link LocalBaseline.SourceResult} sent on, so a run tells what federation buys over training alone.
 *
 * <p>Sources are held as in the {@link LocalTrainer}: recently used ones in operator memory, all
 * in keyed state, dense or (large linear models) as a sparse offset from the initial model.
 */
public final class LocalOnlyTrainer extends AbstractStreamOperator<LocalBaseline.SourceResult>
        implements OneInputStreamOperator<Example, LocalBaseline.SourceResult>, BoundedOneInput {

    private final TrainerSettings settings;
    private final HoldoutSupplier holdouts;

    private transient LocalLearner learner;
    private transient ValueState<SourceModel> state;
    private transient SourceCache cache;
    private transient DecodeBuffer decoded;

    /**
     * @param holdouts the holdout sets each source's final model is scored on: its scores are the
     *     primary set's, then the named sets' in order ({@link #holdoutNames})
     */
    public LocalOnlyTrainer(TrainerSettings settings, HoldoutSupplier holdouts) {
        this.settings = settings;
        this.holdouts = holdouts;
    }

    /** The names of a {@link LocalBaseline.SourceResult}'s scores: {@code holdout} (the primary set), then the named sets. */
    public static List<String> holdoutNames(java.util.Collection<String> named) {
        List<String> names = new ArrayList<>();
        names.add(FedJob.HOLDOUT);
        names.addAll(named);
        return names;
    }

    @Override
    public void open() throws Exception {
        super.open();
        decoded = new DecodeBuffer();
        learner = new LocalLearner(settings.model(), settings.optimizer(), settings.initSeed(), settings.layout(),
                settings.sparseState(), LocalStep.plain(), false, DriftSettings.none());
        state = getPartitionedState(StateDescriptors.sourceState());
        cache = new SourceCache(settings.cacheSize(), settings.cacheBytes(), this,
                SourceCache.store(state::value, state, learner));
    }

    @Override
    public void processElement(StreamRecord<Example> record) throws Exception {
        Example example = record.getValue();
        SourceModel s = cache.load((String) getCurrentKey());
        s.dirty = true;
        OnlineLearner.Outcome outcome = learner.step(s, example.indices(), decoded.values(example), example.label());
        // never reported: the counts cover the source's whole stream
        s.samples++;
        s.lossSum += outcome.loss();
        if (outcome.correct()) {
            s.correct++;
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        cache.writeBack();
    }

    @Override
    public void endInput() throws Exception {
        cache.writeBack();
        cache.clear();
        HoldoutSets sets = holdouts.get();
        Model model = learner.model();
        float[] scratch = new float[settings.model().numParams()];
        for (String source : SourceCache.storedSources(getKeyedStateBackend(), StateDescriptors.sourceState())) {
            setCurrentKey(source);
            SourceModel s = state.value();
            if (s == null) {
                continue;
            }
            learner.restored(s);
            float[] params = learner.model(s, scratch);
            HoldoutSets.Scores scored = sets.score(model, params);
            List<Evaluator.Score> all = new ArrayList<>();
            all.add(scored.primary());
            all.addAll(scored.named().values());
            Evaluator.Score[] scores = all.toArray(new Evaluator.Score[0]);
            output.collect(new StreamRecord<>(new LocalBaseline.SourceResult(source, s.samples, s.correct, s.lossSum, scores)));
        }
    }

    @Override
    public String toString() {
        return "LocalOnlyTrainer" + settings;
    }
}
