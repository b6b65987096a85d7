package org.fedflink.pipeline;

import org.fedflink.model.OnlineLearner;

/**
 * How a trainer makes and completes its sources' states: a fresh source starts from the initial
 * model (a dense copy, or an empty offset of the sparse layout), and a state read from keyed
 * state gets back its in-memory form.
 */
final class SourceStates {
    private final OnlineLearner learner;
    private final float[] initialParams;
    /** The sparse layout, or null when sources hold dense copies. */
    private final SparseSourceModels sparse;
    private final int shards;

    SourceStates(OnlineLearner learner, float[] initialParams, SparseSourceModels sparse, int shards) {
        this.learner = learner;
        this.initialParams = initialParams;
        this.sparse = sparse;
        this.shards = shards;
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
        return s;
    }

    /** Completes a state read from keyed state to its in-memory form. */
    void restored(SourceState s) {
        if (sparse != null) {
            sparse.restore(s);
        } else if (s.anchor == null) {
            s.anchor = s.params.clone();
        }
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
