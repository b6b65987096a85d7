package org.fedflink.pipeline;

import org.fedflink.aggregate.Vectors;

/**
 * One shard's piece of a local update, sent by a trainer to the aggregator subtask of that shard;
 * or, when {@code endOfInput} is set, the marker telling that aggregator that trainer subtask
 * {@code sender} has flushed everything.
 *
 * @param shard target shard (= aggregator subtask)
 * @param source the data source whose progress this is
 * @param baseVersion the global version of this shard the delta was computed from
 * @param samples examples folded into this delta
 * @param lossSum prequential loss summed over those examples
 * @param correct prequential correct predictions among them
 * @param delta parameter change of this shard's range since the source's last report: every
 *     coordinate of the range, or, when {@code deltaIndices} is set, the changes at those indices
 * @param endOfInput whether this is an end marker instead of an update
 * @param sender trainer subtask index
 * @param controlDelta SCAFFOLD: the change of the source's control variate over this shard's range
 *     since its last report; null for every other strategy
 * @param deltaIndices null for a dense delta; else the distinct indices, relative to the shard's
 *     first parameter, of the coordinates {@code delta} holds (all others did not change): the
 *     update of a sparse model is as large as what its source touched, not as the model
 * @param exampleLosses shard 0's piece: the prequential loss of each of the {@code samples}
 *     examples, in the order the source trained them (for the server's exact sliding window); null
 *     on the other shards' pieces
 * @param exampleCorrect shard 0's piece: whether each example was predicted correctly, bit
 *     {@code i % 64} of word {@code i / 64}; null on the other pieces
 */
public record LocalUpdate(
        int shard,
        String source,
        long baseVersion,
        long samples,
        double lossSum,
        long correct,
        float[] delta,
        boolean endOfInput,
        int sender,
        float[] controlDelta,
        int[] deltaIndices,
        float[] exampleLosses,
        long[] exampleCorrect) {

    public LocalUpdate {
        if (deltaIndices != null && deltaIndices.length != delta.length) {
            throw new IllegalArgumentException("a sparse delta has " + deltaIndices.length + " indices but "
                    + delta.length + " values");
        }
        if (exampleLosses != null && exampleLosses.length != samples) {
            throw new IllegalArgumentException(samples + " samples but " + exampleLosses.length + " example losses");
        }
    }

    /** An update without per-example outcomes. */
    public LocalUpdate(int shard, String source, long baseVersion, long samples, double lossSum, long correct,
            float[] delta, boolean endOfInput, int sender, float[] controlDelta, int[] deltaIndices) {
        this(shard, source, baseVersion, samples, lossSum, correct, delta, endOfInput, sender, controlDelta,
                deltaIndices, null, null);
    }

    /** This update carrying the per-example outcomes of {@code log} (shard 0's piece). */
    public LocalUpdate withOutcomes(org.fedflink.eval.OutcomeLog log) {
        return new LocalUpdate(shard, source, baseVersion, samples, lossSum, correct, delta, endOfInput, sender,
                controlDelta, deltaIndices, log.losses(), log.correctBits());
    }

    /** The per-example outcomes this update carries, or null. */
    public org.fedflink.eval.OutcomeLog outcomes() {
        return exampleLosses == null ? null : org.fedflink.eval.OutcomeLog.of(exampleLosses, exampleCorrect);
    }

    /** An update with a dense delta. */
    public LocalUpdate(int shard, String source, long baseVersion, long samples, double lossSum, long correct,
            float[] delta, boolean endOfInput, int sender, float[] controlDelta) {
        this(shard, source, baseVersion, samples, lossSum, correct, delta, endOfInput, sender, controlDelta, null);
    }

    /** An update with a dense delta and without a control variate (every strategy but SCAFFOLD). */
    public LocalUpdate(int shard, String source, long baseVersion, long samples, double lossSum, long correct,
            float[] delta, boolean endOfInput, int sender) {
        this(shard, source, baseVersion, samples, lossSum, correct, delta, endOfInput, sender, null);
    }

    /** Whether the delta is sparse ({@code deltaIndices} set). */
    public boolean sparse() {
        return deltaIndices != null;
    }

    /**
     * The delta over every coordinate of a shard of {@code length} parameters: {@code delta}
     * itself when dense, else a new array with the sparse changes in place.
     *
     * @throws IllegalArgumentException if a dense delta does not have that length or a sparse
     *     index lies outside it
     */
    public float[] denseDelta(int length) {
        if (deltaIndices == null) {
            if (delta.length != length) {
                throw new IllegalArgumentException("delta has length " + delta.length + " but the shard has "
                        + length + " parameters");
            }
            return delta;
        }
        return Vectors.scatter(length, deltaIndices, delta);
    }

    static LocalUpdate endMarker(int shard, int sender) {
        return new LocalUpdate(shard, "", 0, 0, 0, 0, new float[0], true, sender);
    }
}
