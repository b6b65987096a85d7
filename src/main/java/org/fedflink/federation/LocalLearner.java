package org.fedflink.federation;

import java.util.Arrays;
import org.fedflink.drift.DriftReaction;
import org.fedflink.drift.DriftSettings;
import org.fedflink.eval.OutcomeLog;
import org.fedflink.model.LocalOptimizer;
import org.fedflink.model.Model;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.OffsetLearner;
import org.fedflink.model.OnlineLearner;

/**
 * The client side of federated learning for the sources of one trainer: a source learns online
 * (predict, then one step), adopts newer global versions without losing unreported work, and
 * reports its progress since the last report. The sources' states ({@link SourceModel}) are the
 * caller's to keep; this class holds what they share: the learner, the newest global model, the
 * strategy's {@link LocalStep} and the drift settings.
 *
 * <p>Adopting a newer global model {@code G} sets {@code params = G + (params - anchor)} and
 * {@code anchor = G}; reporting sends {@code params - anchor} and moves the anchor to the
 * parameters. Progress made between a report and the arrival of the next version is so carried
 * over and reported exactly once.
 */
public final class LocalLearner {

    private final OnlineLearner learner;
    private final float[] initialParams;
    private final ShardLayout layout;
    /** The sparse layout, or null when sources hold dense copies. */
    private final SparseSourceModels sparse;
    private final LocalStep localStep;
    private final boolean adoptGlobal;
    private final DriftSettings drift;
    /** The newest global parameters, all shards side by side (FedProx's reference, FedSGD's model). */
    private final float[] global;
    /** SCAFFOLD: the newest server control variate, all shards side by side; else null. */
    private final float[] serverControl;
    /** The newest global version of each shard (-1: none yet) and the federation drifts it carries. */
    private final long[] versions;
    private final long[] globalDrifts;

    /**
     * @param sparseState whether sources hold the global model plus a sparse offset instead of a
     *     dense copy (a linear model with plain steps)
     * @param adoptGlobal whether sources move onto newer global versions; false for the
     *     centralized learner, whose own parameters are the global model (adopting its own versions
     *     back, which lag behind by the updates in flight, would turn plain SGD into delayed SGD)
     * @param initSeed seed of the initial parameters (models that do not start at zero, such as an MLP)
     */
    public LocalLearner(ModelSpec model, LocalOptimizer optimizer, long initSeed, ShardLayout layout,
            boolean sparseState, LocalStep localStep, boolean adoptGlobal, DriftSettings drift) {
        if (sparseState && !localStep.sparseCapable()) {
            throw new IllegalArgumentException("a sparse source state needs plain local steps, not " + localStep.name());
        }
        this.learner = new OnlineLearner(Model.of(model), optimizer);
        this.initialParams = learner.initialParams(initSeed);
        this.layout = layout;
        this.sparse = sparseState ? new SparseSourceModels(new OffsetLearner(learner, initialParams), layout) : null;
        this.localStep = localStep;
        this.adoptGlobal = adoptGlobal;
        this.drift = drift;
        this.global = initialParams.clone();
        this.serverControl = localStep.extraFloatsPerParam() > 0 ? new float[initialParams.length] : null;
        this.versions = new long[layout.shards()];
        Arrays.fill(versions, -1);
        this.globalDrifts = new long[layout.shards()];
    }

    public Model model() {
        return learner.model();
    }

    /** Whether sources hold the sparse layout. */
    public boolean sparse() {
        return sparse != null;
    }

    /** The state of a source never seen: the initial model, based on no global version. */
    public SourceModel fresh() {
        SourceModel s = new SourceModel();
        if (sparse != null) {
            sparse.initialize(s);
        } else {
            s.params = initialParams.clone();
            s.anchor = initialParams.clone();
            s.optimizerState = learner.initialState();
        }
        s.baseVersions = new long[layout.shards()];
        s.drift = DriftReaction.of(drift, classifier(), 0, 0, null);
        return s;
    }

    /**
     * Completes a state read from storage to its in-memory form; a state whose in-memory form is
     * live (a heap backend hands back the stored object itself) is left as it is.
     */
    public void restored(SourceModel s) {
        if (sparse != null) {
            sparse.restore(s);
        } else if (s.anchor == null) {
            s.anchor = s.params.clone();
        }
        if (s.drift == null) {
            // a detector made with other drift settings (a job resumed with others) starts afresh
            s.drift = DriftReaction.of(drift, classifier(), s.scheduleStart, s.globalDriftsSeen, s.driftDetector);
            s.driftDetector = null;
        }
    }

    /**
     * The source's whole model in {@code scratch} (as long as the model): its dense parameters, or
     * the sparse layout's {@code base + offset} for a source that never adopted a global model.
     */
    public float[] model(SourceModel s, float[] scratch) {
        if (sparse == null) {
            return s.params;
        }
        SparseSourceModels.materialize(s, initialParams, scratch);
        return scratch;
    }

    /**
     * Takes {@code params} (and SCAFFOLD's {@code control}, or null) as the newest version of
     * {@code shard}, unless one as new is held; whether it did. Sources move onto it lazily, in
     * {@link #rebase}.
     */
    public boolean adopt(int shard, long version, long drifts, float[] params, float[] control) {
        if (version <= versions[shard]) {
            return false;
        }
        int from = layout.from(shard);
        System.arraycopy(params, 0, global, from, params.length);
        if (sparse != null && adoptGlobal) {
            // without adoption the sources' base stays the initial model
            sparse.setGlobal(from, params);
        }
        held(shard, version, drifts, control);
        return true;
    }

    /** Notes {@code version} of {@code shard} as the newest, with its drifts and SCAFFOLD's control (or null). */
    private void held(int shard, long version, long drifts, float[] control) {
        versions[shard] = version;
        globalDrifts[shard] = drifts;
        if (serverControl != null && control != null) {
            System.arraycopy(control, 0, serverControl, layout.from(shard), control.length);
        }
    }

    /**
     * Takes the newest version of {@code shard} given as the coordinates it changed (within the
     * shard) since version {@code changesFrom}, which must be the one held, and their new values, unless
     * one as new is held; whether it did.
     *
     * @throws IllegalStateException if {@code changesFrom} is not the version held (changes would be lost)
     */
    public boolean adoptChanges(int shard, long version, long changesFrom, long drifts, int[] changed,
            float[] values, float[] control) {
        if (version <= versions[shard]) {
            return false;
        }
        if (changesFrom != versions[shard]) {
            throw new IllegalStateException("shard " + shard + ": version " + version + " came as its changes from "
                    + changesFrom + ", but the version held is " + versions[shard]);
        }
        int from = layout.from(shard);
        for (int k = 0; k < changed.length; k++) {
            global[from + changed[k]] = values[k];
        }
        if (sparse != null && adoptGlobal) {
            sparse.setGlobal(from, changed, values);
        }
        held(shard, version, drifts, control);
        return true;
    }

    /** A copy of the newest global parameters of {@code shard}. */
    public float[] globalShard(int shard) {
        return Arrays.copyOfRange(global, layout.from(shard), layout.to(shard));
    }

    /**
     * Moves the source, shard by shard, onto any global version newer than the one it is based
     * on; a version that carries federation drifts the source has not followed restarts it.
     */
    public void rebase(SourceModel s) {
        if (!adoptGlobal) {
            return;
        }
        for (int shard = 0; shard < versions.length; shard++) {
            if (versions[shard] <= s.baseVersions[shard]) {
                continue;
            }
            if (sparse != null) {
                sparse.rebase(s, shard);
            } else {
                int from = layout.from(shard);
                int to = layout.to(shard);
                float[] params = s.params;
                float[] anchor = s.anchor;
                for (int j = from; j < to; j++) {
                    params[j] = global[j] + (params[j] - anchor[j]);
                    anchor[j] = global[j];
                }
            }
            s.baseVersions[shard] = versions[shard];
            if (s.drift.followFederation(s.steps, globalDrifts[shard])) {
                restart(s);
            }
        }
    }

    /**
     * One example's step as the strategy shapes it, at the schedule's step (the source's steps
     * since its last drift restart); counts the step but not the example.
     */
    public OnlineLearner.Outcome step(SourceModel s, int[] indices, float[] values, double label) {
        long step = s.drift.scheduleStep(s.steps);
        OnlineLearner.Outcome outcome = sparse != null
                ? sparse.learn(s, step, indices, values, label)
                : localStep.learn(learner, s, global, serverControl, step, indices, values, label);
        s.steps++;
        return outcome;
    }

    /**
     * {@link #step} and the example's prequential outcome counted into the source's next report
     * (its loss, whether it was right, and the outcome itself for the server's exact window).
     */
    public OnlineLearner.Outcome learn(SourceModel s, int[] indices, float[] values, double label) {
        OnlineLearner.Outcome outcome = step(s, indices, values, label);
        s.samples++;
        if (s.outcomes == null) {
            s.outcomes = new OutcomeLog();
        }
        s.outcomes.add((float) outcome.loss(), outcome.correct());
        s.lossSum += outcome.loss();
        if (outcome.correct()) {
            s.correct++;
        }
        return outcome;
    }

    /**
     * Feeds the outcome of the source's latest step to its drift detector; on a detection the
     * source restarts (a fresh optimizer state, its schedule counted from here) and this says so.
     */
    public boolean driftDetected(SourceModel s, OnlineLearner.Outcome outcome) {
        if (!s.drift.observe(s.steps, outcome.loss(), outcome.correct())) {
            return false;
        }
        restart(s);
        return true;
    }

    /**
     * A drift restart: the source's optimizer state becomes a fresh one (zeros; the sparse layout's
     * state emptied), so momentum and the accumulated squared gradients of Adagrad and FTRL from
     * before the change no longer slow its steps. (Its schedule restarts in its {@link DriftReaction}.)
     */
    private void restart(SourceModel s) {
        if (sparse != null) {
            s.sparseState.clear();
        } else if (s.optimizerState != null) {
            Arrays.fill(s.optimizerState, 0f);
        }
    }

    private boolean classifier() {
        return learner.model().spec().isClassifier();
    }

    /**
     * Takes the source's progress since its last report and moves its anchor: sparse pieces per
     * shard when the source is sparse and {@code dense} is not asked for (local privacy and
     * attacks change every coordinate), else one dense delta shaped by the strategy (FedSGD's
     * mean, SCAFFOLD's control change beside it). The source's counts restart with {@link #reported}.
     */
    public Progress takeProgress(SourceModel s, boolean dense) {
        if (sparse != null && !dense) {
            return new Progress(null, null, sparse.takeProgress(s));
        }
        float[] delta;
        if (sparse != null) {
            delta = sparse.takeDenseProgress(s);
        } else {
            delta = new float[s.params.length];
            for (int j = 0; j < delta.length; j++) {
                delta[j] = s.params[j] - s.anchor[j];
            }
            System.arraycopy(s.params, 0, s.anchor, 0, delta.length);
        }
        return new Progress(delta, localStep.finishReport(s, delta, serverControl), null);
    }

    /** Starts the source's next report: no examples counted since. */
    public static void reported(SourceModel s) {
        s.samples = 0;
        s.lossSum = 0;
        s.correct = 0;
        if (s.outcomes != null) {
            s.outcomes.clear();
        }
    }

    /**
     * What a source reports: a dense {@code delta} over all parameters with SCAFFOLD's {@code
     * controlDelta} (or null), or, from a sparse source, one sparse piece per shard.
     */
    public record Progress(float[] delta, float[] controlDelta, SparseSourceModels.Piece[] pieces) {}
}
