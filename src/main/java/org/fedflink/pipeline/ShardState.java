package org.fedflink.pipeline;

/**
 * The checkpointed state of one shard's aggregator (a Flink POJO): the global parameters of the
 * shard, the server optimizer state, the version with its lineage counters, the round being
 * collected, and which trainer subtasks have finished.
 */
public class ShardState {
    public int shard;
    public long version;
    public float[] params;
    public float[] serverState;
    public long samplesInModel;
    public long rounds;
    /** Prequential loss summed over every example folded in. */
    public double prequentialLossSum;
    /** Prequential correct predictions over every example folded in. */
    public long prequentialCorrect;
    /** The windowed prequential figures, as {@link org.fedflink.eval.SlidingWindow#toState()}. */
    public long[] window;
    /** Distinct sources whose updates are folded in. */
    public String[] sources;
    /** Updates of the round being collected. */
    public LocalUpdate[] pending;
    /** Trainer subtasks that sent their end marker. */
    public int[] endedSenders;
    /** Whether the final version was published. */
    public boolean finished;

    public ShardState() {}
}
