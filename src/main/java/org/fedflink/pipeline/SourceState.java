package org.fedflink.pipeline;

/**
 * The keyed state of one data source in a {@link LocalTrainer} (a Flink POJO, so it is
 * serialized without Kryo and readable by the savepoint tools).
 *
 * <p>{@code params - anchor} is the progress not yet reported to the server. Reporting sends that
 * difference and moves the anchor to {@code params}; adopting a newer global model {@code G} sets
 * {@code params = G + (params - anchor)} and {@code anchor = G}, so progress made between a report
 * and the arrival of the next global model is carried over, reported exactly once, and never lost.
 */
public class SourceState {
    /** Current local parameters. */
    public float[] params;
    /** Parameters at the last report or rebase; null in keyed state while equal to {@code params}. */
    public float[] anchor;
    /** Local optimizer state. */
    public float[] optimizerState;
    /** Global version each shard of {@code anchor} comes from. */
    public long[] baseVersions;
    /** Local steps taken over the source's lifetime (drives the learning-rate schedule). */
    public long steps;
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
    /** Event-time boundary a timer is registered for, or Long.MIN_VALUE. */
    public long timerAt = Long.MIN_VALUE;

    public SourceState() {}
}
