package org.fedflink.pipeline;

import org.fedflink.drift.DriftReaction;
import org.fedflink.drift.DriftSettings;
import org.fedflink.model.OnlineLearner;

/**
 * How a trainer makes and completes its sources' states: a fresh source starts from the initial
 * model (a dense copy, or an empty offset of the sparse layout), and a state read from keyed
 * state gets back its in-memory form (its sparse maps and its live {@link DriftReaction}). A drift
 * restart ({@link #restart}) gives a source a fresh optimizer state.
 */
final class SourceStates {
    private final OnlineLearner learner;
    private final float[] initialParams;
    /** The sparse layout, or null when sources hold dense copies. */
    private final SparseSourceModels sparse;
    private final int shards;
    private final DriftSettings drift;

    /** States of sources that detect no drift. */
    SourceStates(OnlineLearner learner, float[] initialParams, SparseSourceModels sparse, int shards) {
        this(learner, initialParams, sparse, shards, DriftSettings.none());
    }

    SourceStates(OnlineLearner learner, float[] initialParams, SparseSourceModels sparse, int shards,
            DriftSettings drift) {
        this.learner = learner;
        this.initialParams = initialParams;
        this.sparse = sparse;
        this.shards = shards;
        this.drift = drift;
    }

    /** The state of a source never seen: the initial model, based on no global version. */
    SourceState fresh() {
        SourceState s = new SourceState();
        if (sparse != null) {
            sparse.initialize(s);
        } else {
            s.params = initialParams.clone();
            s.anchor = initialParams.clone();
            s.optimizerState = learner.initialState();
        }
        s.baseVersions = new long[shards];
        s.drift = DriftReaction.of(drift, classifier(), 0, 0, null);
        return s;
    }

    /**
     * Completes a state read from keyed state to its in-memory form; a state whose in-memory form
     * is live (a heap backend hands back the stored object itself) is left as it is.
     */
    void restored(SourceState s) {
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
     * A drift restart: the source's optimizer state becomes a fresh one (zeros; the sparse layout's
     * state emptied), so momentum and the accumulated squared gradients of Adagrad and FTRL from
     * before the change no longer slow its steps. (Its schedule restarts in its {@link DriftReaction}.)
     */
    void restart(SourceState s) {
        if (sparse != null) {
            s.sparseState.clear();
        } else if (s.optimizerState != null) {
            java.util.Arrays.fill(s.optimizerState, 0f);
        }
    }

    private boolean classifier() {
        return learner.model().spec().isClassifier();
    }

    /**
     * The source's whole model in {@code scratch} (as long as the model): its dense parameters, or
     * the sparse layout's {@code base + offset} for a source that never adopted a global model.
     */
    float[] model(SourceState s, float[] scratch) {
        if (sparse == null) {
            return s.params;
        }
        SparseSourceModels.materialize(s, initialParams, scratch);
        return scratch;
    }
}
