package org.fedflink.pipeline;

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
 * @param delta parameter change of this shard's range since the source's last report
 * @param endOfInput whether this is an end marker instead of an update
 * @param sender trainer subtask index
 * @param controlDelta SCAFFOLD: the change of the source's control variate over this shard's range
 *     since its last report; null for every other strategy
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
        float[] controlDelta) {

    /** An update without a control variate (every strategy but SCAFFOLD). */
    public LocalUpdate(int shard, String source, long baseVersion, long samples, double lossSum, long correct,
            float[] delta, boolean endOfInput, int sender) {
        this(shard, source, baseVersion, samples, lossSum, correct, delta, endOfInput, sender, null);
    }

    static LocalUpdate endMarker(int shard, int sender) {
        return new LocalUpdate(shard, "", 0, 0, 0, 0, new float[0], true, sender);
    }
}
