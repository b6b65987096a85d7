package org.fedflink.pipeline;

import org.fedflink.eval.OutcomeLog;
import org.fedflink.federation.ClientUpdate;

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
        long[] exampleCorrect)
        implements ClientUpdate {

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
    public LocalUpdate withOutcomes(OutcomeLog log) {
        return new LocalUpdate(shard, source, baseVersion, samples, lossSum, correct, delta, endOfInput, sender,
                controlDelta, deltaIndices, log.losses(), log.correctBits());
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

    static LocalUpdate endMarker(int shard, int sender) {
        return new LocalUpdate(shard, "", 0, 0, 0, 0, new float[0], true, sender);
    }
}
