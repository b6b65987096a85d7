package org.fedflink.pipeline;

import org.fedflink.federation.SourceModel;

/**
 * A source's state as versions before the bulk serializer wrote it (Flink's POJO serializer,
 * {@link StateDescriptors#legacySourceState}): read from their savepoints only, and moved to a
 * {@link SourceModel} the first time the trainer touches the source. The POJO serializer stored
 * this class's name and fields, so both stay as they were.
 */
public class SourceState {
    public float[] params;
    public float[] anchor;
    public float[] optimizerState;
    public long[] baseVersions;
    public long steps;
    public long samples;
    public double lossSum;
    public long correct;
    public float[] control;
    public double rateSum;
    public int[] offsetIndices;
    public float[] offsetValues;
    public float[] anchorValues;
    public int[] stateIndices;
    public float[] stateValues;
    public long timerAt = Long.MIN_VALUE;

    public SourceState() {}

    /** The same state as the trainer holds it now, marked changed so that it is written anew. */
    SourceModel toModel() {
        SourceModel s = new SourceModel();
        s.params = params;
        s.anchor = anchor;
        s.optimizerState = optimizerState;
        s.baseVersions = baseVersions;
        s.steps = steps;
        s.samples = samples;
        s.lossSum = lossSum;
        s.correct = correct;
        s.control = control;
        s.rateSum = rateSum;
        s.offsetIndices = offsetIndices;
        s.offsetValues = offsetValues;
        s.anchorValues = anchorValues;
        s.stateIndices = stateIndices;
        s.stateValues = stateValues;
        s.timerAt = timerAt;
        s.dirty = true;
        return s;
    }
}
