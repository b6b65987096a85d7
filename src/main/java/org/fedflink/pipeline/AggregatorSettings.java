package org.fedflink.pipeline;

import java.io.Serializable;
import java.util.Optional;
import java.util.OptionalDouble;
import org.fedflink.drift.DriftSettings;
import org.fedflink.federation.AggregationStrategy;
import org.fedflink.federation.DpAccounting;
import org.fedflink.federation.ShardLayout;
import org.fedflink.model.ModelSpec;

/**
 * What a {@link GlobalAggregator} needs to know, resolved from the job spec. Build with
 * {@link #builder}; immutable once built.
 *
 * <p>A final class rather than a record for the reason {@link TrainerSettings} gives: the optional
 * parts are nullable fields behind accessors that return an {@link Optional} or an
 * {@link OptionalDouble}, neither of which Java serialization (the job graph's) could ship.
 */
public final class AggregatorSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    private final AggregationStrategy strategy;
    private final ShardLayout layout;
    private final int updatesPerRound;
    private final long timeoutMillis;
    private final int trainerParallelism;
    private final String loopId;
    private final long windowExamples;
    private final ModelSpec model;
    private final long initSeed;
    private final long maxStaleness;
    private final long countStaleness;
    /** Null for a strategy without a DP guarantee. */
    private final DpAccounting dpAccounting;
    private final int minSources;
    /** Null without per-source reputation. */
    private final Double reputationDecay;
    private final DriftSettings drift;

    private AggregatorSettings(Builder b) {
        if (b.loopId == null) {
            throw new IllegalArgumentException("loopId is required, got null");
        }
        if (b.updatesPerRound < 0) {
            throw new IllegalArgumentException("updatesPerRound must be at least 0, got " + b.updatesPerRound);
        }
        if (b.timeoutMillis < 0) {
            throw new IllegalArgumentException("timeoutMillis must be at least 0, got " + b.timeoutMillis);
        }
        if (b.trainerParallelism < 1) {
            throw new IllegalArgumentException("trainerParallelism must be at least 1, got " + b.trainerParallelism);
        }
        if (b.windowExamples < 1) {
            throw new IllegalArgumentException("windowExamples must be at least 1, got " + b.windowExamples);
        }
        if (b.maxStaleness < 0) {
            throw new IllegalArgumentException("maxStaleness must be at least 0, got " + b.maxStaleness);
        }
        if (b.countStaleness < 0) {
            throw new IllegalArgumentException("countStaleness must be at least 0, got " + b.countStaleness);
        }
        if (b.minSources < 1) {
            throw new IllegalArgumentException("minSources must be at least 1, got " + b.minSources);
        }
        this.strategy = b.strategy;
        this.layout = b.layout;
        this.updatesPerRound = b.updatesPerRound;
        this.timeoutMillis = b.timeoutMillis;
        this.trainerParallelism = b.trainerParallelism;
        this.loopId = b.loopId;
        this.windowExamples = b.windowExamples;
        this.model = b.model;
        this.initSeed = b.initSeed;
        this.maxStaleness = b.maxStaleness;
        this.countStaleness = b.countStaleness;
        this.dpAccounting = b.dpAccounting;
        this.minSources = b.minSources;
        this.reputationDecay = b.reputationDecay;
        this.drift = b.drift;
    }

    /**
     * A builder of the settings of a server of {@code strategy} over {@code model}, publishing into
     * the feedback loop {@code loopId}: the model in one shard, rounds sized by
     * {@link org.fedflink.federation.RoundSize} with no timeout, one trainer subtask, seed 0, every
     * update kept however stale, no privacy accounted, rounds that need updates from one source, no
     * reputation and no drift detection.
     * {@link Builder#windowExamples} has no default and must be set.
     */
    public static Builder builder(AggregationStrategy strategy, ModelSpec model, String loopId) {
        return new Builder(strategy, model, loopId);
    }

    /** A builder holding these settings, to derive modified ones. */
    public Builder toBuilder() {
        Builder b = new Builder(strategy, model, loopId)
                .layout(layout)
                .updatesPerRound(updatesPerRound)
                .timeoutMillis(timeoutMillis)
                .trainerParallelism(trainerParallelism)
                .windowExamples(windowExamples)
                .initSeed(initSeed)
                .maxStaleness(maxStaleness)
                .countStaleness(countStaleness)
                .minSources(minSources)
                .drift(drift);
        dpAccounting().ifPresent(b::dpAccounting);
        reputationDecay().ifPresent(b::reputationDecay);
        return b;
    }

    /** The server rule. */
    public AggregationStrategy strategy() {
        return strategy;
    }

    /** The shards of the model. */
    public ShardLayout layout() {
        return layout;
    }

    /**
     * A round closes after this many updates; 0: after as many as
     * {@link org.fedflink.federation.RoundSize} asks for (half the sources active lately).
     */
    public int updatesPerRound() {
        return updatesPerRound;
    }

    /** Or when its oldest update waited this long; 0: never. */
    public long timeoutMillis() {
        return timeoutMillis;
    }

    /** End markers expected before the last round closes. */
    public int trainerParallelism() {
        return trainerParallelism;
    }

    /** The feedback loop to publish into. */
    public String loopId() {
        return loopId;
    }

    /** The length of the windowed prequential figures, in examples. */
    public long windowExamples() {
        return windowExamples;
    }

    /** The model, whose initial parameters (seeded by {@link #initSeed}) are version 0. */
    public ModelSpec model() {
        return model;
    }

    /** The seed the trainers start from too. */
    public long initSeed() {
        return initSeed;
    }

    /**
     * Drop an update computed from a version more than this many versions older than the shard's
     * current one; 0: keep every update.
     */
    public long maxStaleness() {
        return maxStaleness;
    }

    /**
     * Only updates at most this many versions behind the shard count towards a full round; staler
     * ones join it without filling it ({@link org.fedflink.federation.RoundPolicy#counts}). 0:
     * every update counts.
     */
    public long countStaleness() {
        return countStaleness;
    }

    /**
     * How the privacy of a client-level DP strategy is accounted for (whose updates are also merged
     * per source within a round); empty for a strategy without a DP guarantee.
     */
    public Optional<DpAccounting> dpAccounting() {
        return Optional.ofNullable(dpAccounting);
    }

    /**
     * A round closes only with updates from at least this many distinct sources (the final round at
     * the end of the input excepted).
     */
    public int minSources() {
        return minSources;
    }

    /** With per-source reputation, how much of a score one round keeps; empty without reputation. */
    public OptionalDouble reputationDecay() {
        return reputationDecay == null ? OptionalDouble.empty() : OptionalDouble.of(reputationDecay);
    }

    /** Whether (and with which detector) the server watches the examples it folds in. */
    public DriftSettings drift() {
        return drift;
    }

    /**
     * Collects settings, each at the default {@link AggregatorSettings#builder} names until set;
     * {@link #build} validates them. The setters take no null: a part that is off is left unset.
     */
    public static final class Builder {
        private final AggregationStrategy strategy;
        private final ModelSpec model;
        private final String loopId;
        private ShardLayout layout;
        private int updatesPerRound;
        private long timeoutMillis;
        private int trainerParallelism = 1;
        private long windowExamples;
        private long initSeed;
        private long maxStaleness;
        private long countStaleness;
        private DpAccounting dpAccounting;
        private int minSources = 1;
        private Double reputationDecay;
        private DriftSettings drift = DriftSettings.none();

        private Builder(AggregationStrategy strategy, ModelSpec model, String loopId) {
            this.strategy = required("strategy", strategy);
            this.model = required("model", model);
            this.loopId = required("loopId", loopId);
            this.layout = new ShardLayout(model.numParams(), 1);
        }

        public Builder layout(ShardLayout layout) {
            this.layout = required("layout", layout);
            return this;
        }

        /** Close a round after this many updates (0, the default: as many as the sources active lately ask for). */
        public Builder updatesPerRound(int updatesPerRound) {
            this.updatesPerRound = updatesPerRound;
            return this;
        }

        /** Or when its oldest update waited this long (0, the default: never). */
        public Builder timeoutMillis(long timeoutMillis) {
            this.timeoutMillis = timeoutMillis;
            return this;
        }

        public Builder trainerParallelism(int trainerParallelism) {
            this.trainerParallelism = trainerParallelism;
            return this;
        }

        /** Windowed prequential figures over this many examples; required, at least 1. */
        public Builder windowExamples(long windowExamples) {
            this.windowExamples = windowExamples;
            return this;
        }

        public Builder initSeed(long initSeed) {
            this.initSeed = initSeed;
            return this;
        }

        /**
         * Count only updates at most this many versions behind towards a full round (0, the
         * default: every update; a loop whose trainers never adopt the global model, the
         * centralized learner's, keeps it so: its updates' versions say nothing of their age).
         */
        public Builder countStaleness(long countStaleness) {
            this.countStaleness = countStaleness;
            return this;
        }

        /** Drop updates staler than this many versions (0, the default: keep every update). */
        public Builder maxStaleness(long maxStaleness) {
            this.maxStaleness = maxStaleness;
            return this;
        }

        /** The strategy gives client-level DP, whose privacy spent is accounted for as {@code dpAccounting} says. */
        public Builder dpAccounting(DpAccounting dpAccounting) {
            this.dpAccounting = required("dpAccounting", dpAccounting);
            return this;
        }

        public Builder minSources(int minSources) {
            this.minSources = minSources;
            return this;
        }

        /** Keep a reputation per source, of which one round keeps {@code decay}. */
        public Builder reputationDecay(double decay) {
            this.reputationDecay = decay;
            return this;
        }

        /** The server watches for drift as {@code drift} says ({@link DriftSettings#none()}: not at all). */
        public Builder drift(DriftSettings drift) {
            this.drift = required("drift", drift);
            return this;
        }

        /** @throws IllegalArgumentException naming the first setting out of range */
        public AggregatorSettings build() {
            return new AggregatorSettings(this);
        }

        private static <T> T required(String name, T value) {
            if (value == null) {
                throw new IllegalArgumentException(name + " is required, got null");
            }
            return value;
        }
    }
}
