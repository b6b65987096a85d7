package org.fedflink.pipeline;

/**
 * The checkpointed state of one shard's aggregator (a Flink POJO): the global parameters of the
 * shard, the server optimizer state, the version with its lineage counters, the round being
 * collected, which trainer subtasks have finished, and the lineage of the current version (which
 * job made it and its parent: after a resume from an older savepoint, numbering continues from the
 * savepoint's version in a new job, so the job id is what tells two versions with one number apart).
 * Fields added later are null or 0 when an older savepoint is restored (POJO schema evolution).
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
    /**
     * Distinct sources whose updates are folded in, while counted exactly
     * ({@link org.fedflink.data.DistinctCount}); else empty.
     */
    public String[] sources;
    /** The sketch of the distinct sources once there are too many to list; null until then. */
    public byte[] sourceSketch;
    /** Updates of the round being collected. */
    public LocalUpdate[] pending;
    /** Trainer subtasks that sent their end marker. */
    public int[] endedSenders;
    /** Whether the final version was published. */
    public boolean finished;
    /** When the current version was made (epoch ms). */
    public long createdMillis;
    /** The Flink job that made the current version, and the one that made the version before it. */
    public String jobId;
    public String parentJobId;
    /**
     * Class of the strategy {@link #serverState} belongs to, so that a job resumed with another
     * strategy starts that strategy's state afresh instead of misreading the old one.
     */
    public String strategy;
    /** Rounds closed without being applied (too few updates for the strategy). */
    public long roundsSkipped;
    /** Updates the strategy dropped for holding a NaN or an infinity. */
    public long updatesRejected;
    /** Updates dropped for exceeding {@code rounds.maxStaleness}. */
    public long updatesTooStale;
    /**
     * The privacy spent by a DP strategy: {@link org.fedflink.federation.RdpAccountant#toState()};
     * null until a DP strategy first runs. Never reset, even if the strategy changes on resume.
     */
    public double[] privacy;

    /** Per-source reputation ({@code aggregation.reputation}), as {@link org.fedflink.federation.Reputation#toState()}; else null. */
    public String[] reputationSources;
    public double[] reputationScores;

    /**
     * What rounds and sources usually carry ({@link org.fedflink.federation.ShortRounds#toState()}):
     * the typical round's updates, and each source's typical examples per update; 0 and null before
     * the first round.
     */
    public double shortRoundUpdates;
    public String[] shortRoundSources;
    public double[] shortRoundUsualSamples;

    /** The sources of the latest updates, oldest first ({@link org.fedflink.federation.RoundSize#recent()}). */
    public String[] recentSources;

    /** Concept drifts the server detected ({@link org.fedflink.drift.FederationDrift#drifts()}). */
    public long globalDrifts;
    /** Rounds still to close small after the latest drift. */
    public int driftSmallRoundsLeft;
    /** The server's drift detector ({@link org.fedflink.drift.DriftDetector#toState()}); null without one. */
    public double[] driftDetector;
    /**
     * Each source's usual error as the server's detector measures it
     * ({@link org.fedflink.drift.SourceBaselines#toState()}): sources, means, examples seen and the recent means;
     * null without a detector or in a checkpoint from before they were kept.
     */
    public String[] driftBaselineSources;
    public double[] driftBaselineMeans;
    public long[] driftBaselineExamples;
    public double[] driftBaselineRecent;
    /**
     * The newest event time among the updates received (their records' timestamps: their last
     * example's), the time of the server's drift events; {@link Long#MIN_VALUE} before any.
     */
    public long newestUpdateTime = Long.MIN_VALUE;

    public ShardState() {}
}
