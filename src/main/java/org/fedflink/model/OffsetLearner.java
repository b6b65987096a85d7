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
 * dense example touches every coordinate and costs a pass over the model.
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
    private int[] touched = new int[64];
    private int[] slots = new int[64];
    private int[] stateSlots = new int[64];

    /**
     * @param learner the learner whose kernels take the steps; its model must be linear
     * @param base the initial base parameters (copied)
     * @throws IllegalArgumentException if the model is not linear or the base has the wrong length
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
    }

    /** Whether the optimizer keeps per-coordinate state (momentum, Adagrad). */
    public boolean hasState() {
        return scratchState.length > 0;
    }

    /** Replaces the base parameters from {@code from} on with {@code values}. */
    public void setBase(int from, float[] values) {
        System.arraycopy(values, 0, base, from, values.length);
        System.arraycopy(values, 0, scratch, from, values.length);
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
        boolean stateful = scratchState.length > 0;
        // one probe per coordinate: the slots found for the read are the ones written back
        offset.reserve(count);
        if (stateful) {
            state.reserve(count);
        }
        for (int i = 0; i < count; i++) {
            int p = touched[i];
            int slot = offset.insertSlot(p);
            slots[i] = slot;
            scratch[p] = base[p] + offset.valueAt(slot);
            if (stateful) {
                int stateSlot = state.insertSlot(p);
                stateSlots[i] = stateSlot;
                scratchState[p] = state.valueAt(stateSlot);
            }
        }
        OnlineLearner.Outcome outcome = learner.learn(scratch, scratchState, step, indices, values, label);
        for (int i = 0; i < count; i++) {
            int p = touched[i];
            offset.setValueAt(slots[i], scratch[p] - base[p]);
            scratch[p] = base[p];
            if (stateful) {
                state.setValueAt(stateSlots[i], scratchState[p]);
                scratchState[p] = 0f;
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
            stateSlots = new int[length];
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
            if (scratchState.length > 0) {
                scratchState[p] = state.get(p);
            }
        }
        OnlineLearner.Outcome outcome = learner.learn(scratch, scratchState, step, null, values, label);
        for (int p = 0; p < scratch.length; p++) {
            if (scratch[p] != base[p] || offset.containsKey(p)) {
                offset.put(p, scratch[p] - base[p]);
                scratch[p] = base[p];
            }
            if (scratchState.length > 0) {
                if (scratchState[p] != 0f || state.containsKey(p)) {
                    state.put(p, scratchState[p]);
                }
                scratchState[p] = 0f;
            }
        }
        return outcome;
    }
}
