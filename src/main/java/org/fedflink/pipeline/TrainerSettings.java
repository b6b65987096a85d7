package org.fedflink.pipeline;

import java.io.Serializable;
import java.util.Optional;
import org.fedflink.config.JobSpec;
import org.fedflink.drift.DriftSettings;
import org.fedflink.federation.LocalDp;
import org.fedflink.federation.LocalStep;
import org.fedflink.federation.Participation;
import org.fedflink.federation.ShardLayout;
import org.fedflink.model.LocalOptimizer;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;

/**
 * What a {@link LocalTrainer} needs to know, resolved from the job spec. Build with
 * {@link #builder}; immutable once built.
 *
 * <p>A final class rather than a record: the settings travel to the operators with the job graph
 * (Java serialization), and the optional parts, which a record would have to expose as nullable
 * components, are kept here as nullable fields behind accessors that return an {@link Optional}
 * (which is not serializable itself).
 */
public final class TrainerSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * The smallest model that {@link JobSpec.StateLayout#AUTO} holds sparse: below it a dense copy per
     * source is small, and cheaper to step than a map.
     */
    public static final int SPARSE_STATE_MIN_PARAMS = 1 << 16;

    /** Bytes a cached sparse source is assumed to take: a few hundred touched coordinates in maps. */
    static final long SPARSE_SOURCE_BYTES = 16 << 10;
    /**
     * Bytes of a cached source besides its model-sized arrays: the state object, its small arrays
     * and outcome log, its cache entry and name (about 480 measured, {@code TrainerSettingsTest}).
     */
    static final long SOURCE_OVERHEAD_BYTES = 520;
    /**
     * Bytes of a source's own drift detector: ADWIN with its first bucket rows and the reaction
     * around it (about 530 measured after 40 examples; its rows double as its window grows, which
     * the cache counts as it happens; Page-Hinkley takes less).
     */
    static final long DETECTOR_BYTES = 600;

    private final ModelSpec model;
    private final LocalOptimizer optimizer;
    private final int localExamples;
    private final long eventTimeMillis;
    private final ShardLayout layout;
    private final int cacheSize;
    private final long cacheBytes;
    private final boolean adoptGlobal;
    private final long initSeed;
    private final boolean emitPredictions;
    /** Null when no source attacks. */
    private final SimulatedAttack attack;
    private final LocalStep localStep;
    private final Participation participation;
    /** Null when updates leave their sources as they are. */
    private final LocalDp localDp;
    private final JobSpec.StateLayout stateLayout;
    private final DriftSettings drift;
    /** Null when the examples come in on the trainer's first input. */
    private final TrainerInput input;

    private TrainerSettings(Builder b) {
        if (b.localExamples < 1) {
            throw new IllegalArgumentException("localExamples must be at least 1, got " + b.localExamples);
        }
        if (b.eventTimeMillis < 0) {
            throw new IllegalArgumentException("eventTimeMillis must be at least 0, got " + b.eventTimeMillis);
        }
        if (b.cacheSize < 1) {
            throw new IllegalArgumentException("cacheSize must be at least 1, got " + b.cacheSize);
        }
        if (b.cacheBytes < 1) {
            throw new IllegalArgumentException("cacheBytes must be at least 1, got " + b.cacheBytes);
        }
        if (b.stateLayout == JobSpec.StateLayout.SPARSE && !sparseCapable(b.model, b.localStep)) {
            throw new IllegalArgumentException("a sparse trainer state needs a linear model (not "
                    + b.model.type() + ") and plain local steps (not " + b.localStep.name() + ")");
        }
        this.model = b.model;
        this.optimizer = b.optimizer;
        this.localExamples = b.localExamples;
        this.eventTimeMillis = b.eventTimeMillis;
        this.layout = b.layout;
        this.cacheSize = b.cacheSize;
        this.cacheBytes = b.cacheBytes;
        this.adoptGlobal = b.adoptGlobal;
        this.initSeed = b.initSeed;
        this.emitPredictions = b.emitPredictions;
        this.attack = b.attack;
        this.localStep = b.localStep;
        this.participation = b.participation;
        this.localDp = b.localDp;
        this.stateLayout = b.stateLayout;
        this.drift = b.drift;
        this.input = b.input;
    }

    /**
     * A builder of the settings of honest sources of {@code model} learning with {@code optimizer}:
     * no attack, plain local steps, every report taken, no local DP, the state layout
     * {@link JobSpec.StateLayout#AUTO} chooses, no drift detection, the model in one shard, no
     * event-time reports, sources that adopt newer global models, seed 0 and no predictions out.
     * {@link Builder#localExamples} and {@link Builder#cacheSize} have no default and must be set.
     */
    public static Builder builder(ModelSpec model, LocalOptimizer optimizer) {
        return new Builder(model, optimizer);
    }

    /** A builder holding these settings, to derive modified ones. */
    public Builder toBuilder() {
        Builder b = new Builder(model, optimizer)
                .localExamples(localExamples)
                .eventTimeMillis(eventTimeMillis)
                .layout(layout)
                .cacheSize(cacheSize)
                .cacheBytes(cacheBytes)
                .adoptGlobal(adoptGlobal)
                .initSeed(initSeed)
                .emitPredictions(emitPredictions)
                .localStep(localStep)
                .participation(participation)
                .stateLayout(stateLayout)
                .drift(drift);
        attack().ifPresent(b::attack);
        localDp().ifPresent(b::localDp);
        input().ifPresent(b::input);
        return b;
    }

    /** The input the trainer reads itself, when it reads its own ({@code input.readBy}). */
    public Optional<TrainerInput> input() {
        return Optional.ofNullable(input);
    }

    /** The model's shape. */
    public ModelSpec model() {
        return model;
    }

    /** The local optimizer (configuration only; its state lives per source). */
    public LocalOptimizer optimizer() {
        return optimizer;
    }

    /** A source reports every this many examples. */
    public int localExamples() {
        return localExamples;
    }

    /** A source also reports at event-time boundaries of this length; 0: it does not. */
    public long eventTimeMillis() {
        return eventTimeMillis;
    }

    /** How the parameters are split into shards. */
    public ShardLayout layout() {
        return layout;
    }

    /** Sources kept in operator memory per subtask, at most. */
    public int cacheSize() {
        return cacheSize;
    }

    /** The heap the sources kept in operator memory per subtask may take; unbounded by default. */
    public long cacheBytes() {
        return cacheBytes;
    }

    /**
     * Whether sources rebase on newer global models; false for the centralized learner, whose own
     * parameters are the global model (adopting its own versions back, which lag behind by the
     * updates in flight, would turn plain SGD into delayed SGD).
     */
    public boolean adoptGlobal() {
        return adoptGlobal;
    }

    /**
     * The seed of the initial parameters (models that do not start at zero, such as an MLP); the
     * aggregators start from the same parameters.
     */
    public long initSeed() {
        return initSeed;
    }

    /** Whether every prequential prediction goes to {@link LocalTrainer#PREDICTIONS}. */
    public boolean emitPredictions() {
        return emitPredictions;
    }

    /** The simulated attack of the job spec's {@code attack} section; empty when no source attacks. */
    public Optional<SimulatedAttack> attack() {
        return Optional.ofNullable(attack);
    }

    /** How the strategy shapes the local steps and reports (its client side). */
    public LocalStep localStep() {
        return localStep;
    }

    /** Which report opportunities a source takes ({@code rounds.sampleFraction}). */
    public Participation participation() {
        return participation;
    }

    /**
     * The clipping and noise applied to every update before it leaves its source; empty when
     * updates leave as they are.
     */
    public Optional<LocalDp> localDp() {
        return Optional.ofNullable(localDp);
    }

    /** How a source's model is held ({@code trainer.state}). */
    public JobSpec.StateLayout stateLayout() {
        return stateLayout;
    }

    /** Which drift each source watches for and follows ({@code drift}). */
    public DriftSettings drift() {
        return drift;
    }

    /**
     * How many sources fit a cache of {@code budgetBytes}: the bytes of one cached source are
     * estimated from the model (a dense copy and its anchor, the optimizer's state, SCAFFOLD's
     * control variate; a fixed estimate for a sparse source), and the count is kept between 100
     * and 1,000,000. Small models get many cached sources, so that many sources do not mean a
     * RocksDB read and write per example; large ones few, so that the cache stays within its
     * budget.
     */
    public static int cacheEntries(ModelSpec model, LocalOptimizer optimizer, LocalStep localStep, boolean sparse,
            long budgetBytes) {
        return cacheEntries(model, optimizer, localStep, sparse, false, budgetBytes);
    }

    /** The same, each source also holding a drift detector when {@code detectors}. */
    public static int cacheEntries(ModelSpec model, LocalOptimizer optimizer, LocalStep localStep, boolean sparse,
            boolean detectors, long budgetBytes) {
        long perSource = sourceBytes(model, optimizer, localStep, sparse, detectors);
        return (int) Math.max(100, Math.min(1_000_000, budgetBytes / perSource));
    }

    /** The heap one cached source is estimated to take. */
    static long sourceBytes(ModelSpec model, LocalOptimizer optimizer, LocalStep localStep, boolean sparse,
            boolean detectors) {
        long perSource;
        if (sparse) {
            perSource = SPARSE_SOURCE_BYTES;
        } else {
            long params = model.numParams();
            long floats = 2 * params + optimizer.stateSize(model.numParams())
                    + (long) localStep.extraFloatsPerParam() * params;
            perSource = floats * Float.BYTES + SOURCE_OVERHEAD_BYTES;
        }
        return detectors ? perSource + DETECTOR_BYTES : perSource;
    }

    /** Whether sources hold their models sparse, as {@link #stateLayout} resolves for this model and strategy. */
    public boolean sparseState() {
        return sparseState(stateLayout, model, localStep);
    }

    /** Whether {@code layout} holds sources sparse for this model and strategy. */
    public static boolean sparseState(JobSpec.StateLayout layout, ModelSpec model, LocalStep localStep) {
        return switch (layout) {
            case DENSE -> false;
            case SPARSE -> true;
            case AUTO -> sparseCapable(model, localStep) && model.numParams() >= SPARSE_STATE_MIN_PARAMS;
        };
    }

    /** Whether the sparse layout can hold this model under this strategy's local steps. */
    public static boolean sparseCapable(ModelSpec model, LocalStep localStep) {
        // a proximal pull or a control-variate correction moves every coordinate at every step
        return model.type() != ModelType.MLP && localStep.sparseCapable();
    }

    /**
     * Collects settings, each at the default {@link TrainerSettings#builder} names until set;
     * {@link #build} validates them. The setters take no null: a part that is off is left unset.
     */
    public static final class Builder {
        private final ModelSpec model;
        private final LocalOptimizer optimizer;
        private int localExamples;
        private long eventTimeMillis;
        private ShardLayout layout;
        private int cacheSize;
        private long cacheBytes = Long.MAX_VALUE;
        private boolean adoptGlobal = true;
        private long initSeed;
        private boolean emitPredictions;
        private SimulatedAttack attack;
        private LocalStep localStep = LocalStep.plain();
        private Participation participation = Participation.everyone();
        private LocalDp localDp;
        private JobSpec.StateLayout stateLayout = JobSpec.StateLayout.AUTO;
        private DriftSettings drift = DriftSettings.none();
        private TrainerInput input;

        private Builder(ModelSpec model, LocalOptimizer optimizer) {
            this.model = required("model", model);
            this.optimizer = required("optimizer", optimizer);
            this.layout = new ShardLayout(model.numParams(), 1);
        }

        /** Report every {@code localExamples} examples of a source; required, at least 1. */
        public Builder localExamples(int localExamples) {
            this.localExamples = localExamples;
            return this;
        }

        /** Also report at event-time boundaries of this length (0, the default: do not). */
        public Builder eventTimeMillis(long eventTimeMillis) {
            this.eventTimeMillis = eventTimeMillis;
            return this;
        }

        public Builder layout(ShardLayout layout) {
            this.layout = required("layout", layout);
            return this;
        }

        /** Keep this many sources in operator memory per subtask; required, at least 1. */
        public Builder cacheSize(int cacheSize) {
            this.cacheSize = cacheSize;
            return this;
        }

        /** Keep no more sources in operator memory than take this many bytes of heap (at least one). */
        public Builder cacheBytes(long cacheBytes) {
            this.cacheBytes = cacheBytes;
            return this;
        }

        public Builder adoptGlobal(boolean adoptGlobal) {
            this.adoptGlobal = adoptGlobal;
            return this;
        }

        public Builder initSeed(long initSeed) {
            this.initSeed = initSeed;
            return this;
        }

        public Builder emitPredictions(boolean emitPredictions) {
            this.emitPredictions = emitPredictions;
            return this;
        }

        /** Byzantine sources attack as {@code attack} says. */
        public Builder attack(SimulatedAttack attack) {
            this.attack = required("attack", attack);
            return this;
        }

        public Builder localStep(LocalStep localStep) {
            this.localStep = required("localStep", localStep);
            return this;
        }

        public Builder participation(Participation participation) {
            this.participation = required("participation", participation);
            return this;
        }

        /** Every update is clipped and noised by {@code localDp} before it leaves its source. */
        public Builder localDp(LocalDp localDp) {
            this.localDp = required("localDp", localDp);
            return this;
        }

        public Builder stateLayout(JobSpec.StateLayout stateLayout) {
            this.stateLayout = required("stateLayout", stateLayout);
            return this;
        }

        /** Sources watch for and follow drift as {@code drift} says ({@link DriftSettings#none()}: not at all). */
        public Builder drift(DriftSettings drift) {
            this.drift = required("drift", drift);
            return this;
        }

        /** Each subtask reads its own sources' records of {@code input}, instead of examples on its first input. */
        public Builder input(TrainerInput input) {
            this.input = required("input", input);
            return this;
        }

        /** @throws IllegalArgumentException naming the first setting out of range */
        public TrainerSettings build() {
            return new TrainerSettings(this);
        }

        private static <T> T required(String name, T value) {
            if (value == null) {
                throw new IllegalArgumentException(name + " is required, got null");
            }
            return value;
        }
    }
}
