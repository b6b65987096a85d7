package org.fedflink.model;

/**
 * Online learning for a linear model whose parameters are a shared dense base plus a sparse
 * per-learner offset: {@code params = base + offset}, with the optimizer state sparse beside it.
 * A learner that trains on sparse examples only ever moves the coordinates of its features (and
 * the biases), so the offset holds what it changed, not a copy of the model: a million-dimension
 * model costs each learner a few hundred entries instead of 4 MB.
 *
 * <p>A step runs the ordinary {@link OnlineLearner} kernels on a scratch copy of the base: the
 * coordinates the example reads and writes ({@code k * rowLength + index} for each output
 * {@code k} and present index, and the biases) are patched to {@code base + offset}, the step
 * runs, and what it wrote goes back into the offset as {@code scratch - base} before the scratch
 * is restored. The kernels read no other coordinate (lazy L2 and optimizer state touch only the
 * present ones), so the step is the dense learner's step, up to float rounding of the offset. A
 * dense example touches every coordinate and costs a pass over the model. The optimizer state is
 * patched the same way, keyed by its index in the dense state: every float of each touched
 * coordinate ({@code s * numParams + p}, the layout {@link LocalOptimizer} prescribes).
 *
 * <p>Not thread-safe (one per operator instance).
 */
public final class OffsetLearner {

    private final OnlineLearner learner;
    private final ModelSpec spec;
    private final float[] base;
    /** Equal to {@code base} between steps. */
    private final float[] scratch;
    /** All zeros between steps; length 0 for a stateless optimizer. */
    private final float[] scratchState;
    /** Floats of optimizer state per coordinate (0 for SGD, 1 for momentum and Adagrad, 2 for FTRL). */
    private final int statePerParam;
    private int[] touched = new int[64];
    private int[] slots = new int[64];
    private int[] stateSlots;

    /**
     * @param learner the learner whose kernels take the steps; its model must be linear
     * @param base the initial base parameters (copied)
     * @throws IllegalArgumentException if the model is not linear, the base has the wrong length or
     *     the optimizer's state is not a whole number of floats per coordinate
     */
    public OffsetLearner(OnlineLearner learner, float[] base) {
        if (!(learner.model() instanceof LinearModel)) {
            throw new IllegalArgumentException("offset learning needs a linear model, got "
                    + learner.model().spec().type());
        }
        this.learner = learner;
        this.spec = learner.model().spec();
        if (base.length != spec.numParams()) {
            throw new IllegalArgumentException("base has length " + base.length + " but the model has "
                    + spec.numParams() + " parameters");
        }
        this.base = base.clone();
        this.scratch = base.clone();
        this.scratchState = learner.initialState();
        if (scratchState.length % spec.numParams() != 0) {
            throw new IllegalArgumentException("offset learning needs optimizer state per coordinate, but "
                    + learner.optimizer() + " keeps " + scratchState.length + " floats for " + spec.numParams()
                    + " parameters");
        }
        this.statePerParam = scratchState.length / spec.numParams();
        this.stateSlots = new int[touched.length * statePerParam];
    }

    /** Whether the optimizer keeps per-coordinate state (momentum, Adagrad, FTRL). */
    public boolean hasState() {
        return scratchState.length > 0;
    }

    /** Replaces the base parameters from {@code from} on with {@code values}. */
    public void setBase(int from, float[] values) {
        System.arraycopy(values, 0, base, from, values.length);
        System.arraycopy(values, 0, scratch, from, values.length);
    }

    /** Sets the base parameters {@code from + indices[k]} to {@code values[k]}. */
    public void setBase(int from, int[] indices, float[] values) {
        for (int k = 0; k < indices.length; k++) {
            base[from + indices[k]] = values[k];
            scratch[from + indices[k]] = values[k];
        }
    }

    /**
     * Predicts the example with {@code base + offset}, then takes one optimizer step, which lands
     * in {@code offset} (and {@code state}, if the optimizer keeps any).
     *
     * @param state the learner's optimizer state (ignored when {@link #hasState()} is false)
     * @return the prequential outcome, as {@link OnlineLearner#learn}
     */
    public OnlineLearner.Outcome learn(IntFloatMap offset, IntFloatMap state, long step, int[] indices,
            float[] values, double label) {
        if (indices == null) {
            return learnDense(offset, state, step, values, label);
        }
        int count = touch(indices);
        int numParams = scratch.length;
        // one probe per coordinate: the slots found for the read are the ones written back
        offset.reserve(count);
        if (statePerParam > 0) {
            state.reserve(count * statePerParam);
        }
        for (int i = 0; i < count; i++) {
            int p = touched[i];
            int slot = offset.insertSlot(p);
            slots[i] = slot;
            scratch[p] = base[p] + offset.valueAt(slot);
            for (int s = 0, q = p; s < statePerParam; s++, q += numParams) {
                int stateSlot = state.insertSlot(q);
                stateSlots[i * statePerParam + s] = stateSlot;
                scratchState[q] = state.valueAt(stateSlot);
            }
        }
        OnlineLearner.Outcome outcome = learner.learn(scratch, scratchState, step, indices, values, label);
        for (int i = 0; i < count; i++) {
            int p = touched[i];
            offset.setValueAt(slots[i], scratch[p] - base[p]);
            scratch[p] = base[p];
            for (int s = 0, q = p; s < statePerParam; s++, q += numParams) {
                state.setValueAt(stateSlots[i * statePerParam + s], scratchState[q]);
                scratchState[q] = 0f;
            }
        }
        return outcome;
    }

    /** The coordinates a sparse example's step reads and writes, into {@code touched}; their count. */
    private int touch(int[] indices) {
        int row = spec.rowLength();
        int outputs = spec.outputs();
        int count = outputs * (indices.length + 1);
        if (touched.length < count) {
            int length = Math.max(count, touched.length * 2);
            touched = new int[length];
            slots = new int[length];
            stateSlots = new int[length * statePerParam];
        }
        int n = 0;
        for (int k = 0; k < outputs; k++) {
            int offset = k * row;
            for (int index : indices) {
                touched[n++] = offset + index;
            }
            touched[n++] = offset + spec.features();
        }
        return n;
    }

    private OnlineLearner.Outcome learnDense(IntFloatMap offset, IntFloatMap state, long step, float[] values,
            double label) {
        for (int p = 0; p < scratch.length; p++) {
            float o = offset.get(p);
            if (o != 0f) {
                scratch[p] = base[p] + o;
            }
        }
        for (int q = 0; q < scratchState.length; q++) {
            scratchState[q] = state.get(q);
        }
        OnlineLearner.Outcome outcome = learner.learn(scratch, scratchState, step, null, values, label);
        for (int p = 0; p < scratch.length; p++) {
            if (scratch[p] != base[p] || offset.containsKey(p)) {
                offset.put(p, scratch[p] - base[p]);
                scratch[p] = base[p];
            }
        }
        for (int q = 0; q < scratchState.length; q++) {
            if (scratchState[q] != 0f || state.containsKey(q)) {
                state.put(q, scratchState[q]);
            }
            scratchState[q] = 0f;
        }
        return outcome;
    }
}
