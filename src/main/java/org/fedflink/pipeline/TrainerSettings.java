package org.fedflink.pipeline;

import java.io.Serializable;
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
 * What a {@link LocalTrainer} needs to know, resolved from the job spec.
 *
 * @param model model shape
 * @param optimizer local optimizer (configuration only; state lives per source)
 * @param localExamples report every K examples of a source
 * @param eventTimeMillis also report at event-time boundaries of this length (0 = off)
 * @param layout how parameters are split into shards
 * @param cacheSize sources kept in operator memory per subtask
 * @param adoptGlobal whether sources rebase on newer global models; false for the centralized
 *     learner, whose own parameters are the global model (adopting its own versions back, which
 *     lag behind by the updates in flight, would turn plain SGD into delayed SGD)
 * @param initSeed seed of the initial parameters (models that do not start at zero, such as an MLP);
 *     the aggregators start from the same parameters
 * @param emitPredictions whether every prequential prediction goes to {@link LocalTrainer#PREDICTIONS}
 * @param attack the simulated attack of the job spec's {@code attack} section, or null
 * @param localStep how the strategy shapes the local steps and reports (its client side)
 * @param participation which report opportunities a source takes ({@code rounds.sampleFraction})
 * @param localDp clipping and noise applied to every update before it leaves its source, or null
 * @param stateLayout how a source's model is held ({@code trainer.state})
 * @param drift which drift each source watches for and follows ({@code drift})
 */
public record TrainerSettings(
        ModelSpec model,
        LocalOptimizer optimizer,
        int localExamples,
        long eventTimeMillis,
        ShardLayout layout,
        int cacheSize,
        boolean adoptGlobal,
        long initSeed,
        boolean emitPredictions,
        SimulatedAttack attack,
        LocalStep localStep,
        Participation participation,
        LocalDp localDp,
        JobSpec.StateLayout stateLayout,
        DriftSettings drift)
        implements Serializable {

    /**
     * The smallest model that {@link JobSpec.StateLayout#AUTO} holds sparse: below it a dense copy per
     * source is small, and cheaper to step than a map.
     */
    public static final int SPARSE_STATE_MIN_PARAMS = 1 << 16;

    public TrainerSettings {
        if (drift == null) {
            throw new IllegalArgumentException("drift is required (DriftSettings.none() detects nothing)");
        }
        if (stateLayout == null) {
            throw new IllegalArgumentException("stateLayout is required");
        }
        if (stateLayout == JobSpec.StateLayout.SPARSE && !sparseCapable(model, localStep)) {
            throw new IllegalArgumentException("a sparse trainer state needs a linear model (not "
                    + model.type() + ") and plain local steps (not " + localStep.name() + ")");
        }
    }

    /** Settings of sources that detect no drift. */
    public TrainerSettings(ModelSpec model, LocalOptimizer optimizer, int localExamples, long eventTimeMillis,
            ShardLayout layout, int cacheSize, boolean adoptGlobal, long initSeed, boolean emitPredictions,
            SimulatedAttack attack, LocalStep localStep, Participation participation,
            LocalDp localDp, JobSpec.StateLayout stateLayout) {
        this(model, optimizer, localExamples, eventTimeMillis, layout, cacheSize, adoptGlobal, initSeed,
                emitPredictions, attack, localStep, participation, localDp, stateLayout,
                DriftSettings.none());
    }

    /** These settings with sources that watch for and follow {@code newDrift}. */
    public TrainerSettings withDrift(DriftSettings newDrift) {
        return new TrainerSettings(model, optimizer, localExamples, eventTimeMillis, layout, cacheSize, adoptGlobal,
                initSeed, emitPredictions, attack, localStep, participation, localDp, stateLayout, newDrift);
    }

    /** Settings with the state layout chosen by {@link JobSpec.StateLayout#AUTO}. */
    public TrainerSettings(ModelSpec model, LocalOptimizer optimizer, int localExamples, long eventTimeMillis,
            ShardLayout layout, int cacheSize, boolean adoptGlobal, long initSeed, boolean emitPredictions,
            SimulatedAttack attack, LocalStep localStep, Participation participation,
            LocalDp localDp) {
        this(model, optimizer, localExamples, eventTimeMillis, layout, cacheSize, adoptGlobal, initSeed,
                emitPredictions, attack, localStep, participation, localDp, JobSpec.StateLayout.AUTO);
    }

    /** Bytes a cached sparse source is assumed to take: a few hundred touched coordinates in maps. */
    static final long SPARSE_SOURCE_BYTES = 16 << 10;
    /** Bytes of a cached source besides its arrays: the state object, its cache entry and name. */
    static final long SOURCE_OVERHEAD_BYTES = 400;

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
        long perSource;
        if (sparse) {
            perSource = SPARSE_SOURCE_BYTES;
        } else {
            long params = model.numParams();
            long floats = 2 * params + optimizer.stateSize(model.numParams())
                    + (long) localStep.extraFloatsPerParam() * params;
            perSource = floats * Float.BYTES + SOURCE_OVERHEAD_BYTES;
        }
        return (int) Math.max(100, Math.min(1_000_000, budgetBytes / perSource));
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

    /** Settings of honest sources. */
    public TrainerSettings(
            ModelSpec model,
            LocalOptimizer optimizer,
            int localExamples,
            long eventTimeMillis,
            ShardLayout layout,
            int cacheSize,
            boolean adoptGlobal,
            long initSeed,
            boolean emitPredictions) {
        this(model, optimizer, localExamples, eventTimeMillis, layout, cacheSize, adoptGlobal, initSeed,
                emitPredictions, null, LocalStep.plain(), Participation.everyone(), null);
    }
}
