package org.fedflink.federation;

import org.fedflink.drift.DriftReaction;
import org.fedflink.eval.OutcomeLog;
import org.fedflink.model.HeapBytes;
import org.fedflink.model.IntFloatMap;

/**
 * What one data source holds: its model, its optimizer state and what it has not yet reported
 * ({@link LocalLearner} works on it; the job keeps it in keyed state, serialized in bulk).
 *
 * <p>{@code params - anchor} is the progress not yet reported to the server. Reporting sends that
 * difference and moves the anchor to {@code params}; adopting a newer global model {@code G} sets
 * {@code params = G + (params - anchor)} and {@code anchor = G}, so progress made between a report
 * and the arrival of the next global model is carried over, reported exactly once, and never lost.
 *
 * <p>A sparse model ({@link SparseSourceModels}) keeps no dense arrays: its parameters are the
 * shared global model plus a sparse offset, {@code params = G + offset}, and its anchor is
 * {@code G + anchorOffset}. In keyed state the offset is {@code offsetIndices}/{@code
 * offsetValues} and the anchor's offset is {@code anchorValues} at the same indices (null while
 * equal to the offset); in operator memory they are the transient maps.
 */
public class SourceModel {
    /** Current local parameters. */
    public float[] params;
    /** Parameters at the last report or rebase; null in keyed state while equal to {@code params}. */
    public float[] anchor;
    /** Local optimizer state. */
    public float[] optimizerState;
    /** Global version each shard of {@code anchor} comes from. */
    public long[] baseVersions;
    /**
     * Local steps taken over the source's lifetime; the learning-rate schedule is at step
     * {@code steps - scheduleStart}. It only grows, also through drift restarts: updates are
     * numbered by it.
     */
    public long steps;
    /** The value of {@code steps} when drift last restarted the source's schedule (0: never). */
    public long scheduleStart;
    /** The federation's drift count the source has followed (restarted for). */
    public long globalDriftsSeen;
    /**
     * The source's drift detector ({@link org.fedflink.drift.DriftDetector#toState()}) in keyed
     * state; null without one, and in operator memory, where {@code drift} holds it live.
     */
    public double[] driftDetector;
    /** Examples since the last report. */
    public long samples;
    /** Prequential loss summed since the last report. */
    public double lossSum;
    /** Prequential correct predictions since the last report. */
    public long correct;
    /** SCAFFOLD: the source's control variate {@code c_i}; null for other strategies. */
    public float[] control;
    /** SCAFFOLD: the step sizes summed since the last report. */
    public double rateSum;
    /** Sparse layout: the indices where the local parameters differ from the global model. */
    public int[] offsetIndices;
    /** Sparse layout: {@code params - G} at {@code offsetIndices}. */
    public float[] offsetValues;
    /** Sparse layout: {@code anchor - G} at {@code offsetIndices}; null while equal to {@code offsetValues}. */
    public float[] anchorValues;
    /**
     * Sparse layout: the indices where the optimizer state is set (momentum, Adagrad, FTRL), as in
     * the dense state: {@code s * numParams + p} for the {@code s}-th float of parameter {@code p}.
     */
    public int[] stateIndices;
    /** Sparse layout: the optimizer state at {@code stateIndices}. */
    public float[] stateValues;
    /** Event-time boundary the source waits for to report, or Long.MIN_VALUE. */
    public long timerAt = Long.MIN_VALUE;
    /**
     * The boundary the state backend holds a keyed timer for, or Long.MIN_VALUE; operator memory
     * only (a stored state's {@code timerAt} always has one).
     */
    public transient long keyedTimerAt = Long.MIN_VALUE;

    /**
     * The prequential outcome of each example since the last report (shipped with the report for
     * the server's exact window); null until the first. Kept in keyed state by the job's
     * serializer (transient: it is not a plain field of the stored form).
     */
    public transient OutcomeLog outcomes;
    /** Sparse layout in operator memory: {@code params - G}; not serialized. */
    public transient IntFloatMap offset;
    /** Sparse layout in operator memory: {@code anchor - G}; not serialized. */
    public transient IntFloatMap anchorOffset;
    /** Sparse layout in operator memory: the optimizer state; not serialized. */
    public transient IntFloatMap sparseState;
    /**
     * In operator memory: the source's drift reaction, live (its detector, schedule start and
     * federation drifts followed, which it takes from the fields above and which the serializer
     * writes from it); null until the trainer completes the state. Not serialized as such.
     */
    public transient DriftReaction drift;
    /** Changed since it was last written to keyed state (a cached source); not serialized. */
    public transient boolean dirty;
    /** The heap the source cache last counted for this source (its {@link #heapBytes()} then). */
    public transient long cachedBytes;

    public SourceModel() {}

    /**
     * The heap this source takes, estimated ({@link HeapBytes}): its fields (sixteen references,
     * ten longs and doubles, a boolean), its arrays, maps, outcome log and drift detector.
     */
    public long heapBytes() {
        return HeapBytes.object(16 * 4 + 10 * 8 + 1)
                + HeapBytes.of(params) + HeapBytes.of(anchor) + HeapBytes.of(optimizerState)
                + HeapBytes.of(baseVersions) + HeapBytes.of(driftDetector) + HeapBytes.of(control)
                + HeapBytes.of(offsetIndices) + HeapBytes.of(offsetValues) + HeapBytes.of(anchorValues)
                + HeapBytes.of(stateIndices) + HeapBytes.of(stateValues)
                + (outcomes == null ? 0 : outcomes.heapBytes())
                + (offset == null ? 0 : offset.heapBytes())
                + (anchorOffset == null ? 0 : anchorOffset.heapBytes())
                + (sparseState == null ? 0 : sparseState.heapBytes())
                + (drift == null ? 0 : drift.heapBytes());
    }

    /** The global version the source's model is based on: the oldest over shards. */
    public long baseVersion() {
        long base = Long.MAX_VALUE;
        for (long v : baseVersions) {
            base = Math.min(base, v);
        }
        return base;
    }
}
