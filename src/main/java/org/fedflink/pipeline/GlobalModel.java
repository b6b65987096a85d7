package org.fedflink.pipeline;

import org.fedflink.model.IntFloatMap;

/**
 * One shard of a global model version, as published by the aggregator of that shard. A full
 * model version is the union of the {@code shards} pieces with the same version.
 *
 * <p>A piece is a versioned state, so receivers keep the highest version they have seen and can
 * ignore older or repeated ones. It holds either the whole shard or, when the round moved only a
 * few coordinates (a sparse model), the new values of those ({@link #changedIndices}): the shard
 * of version {@link #changesFrom} with them set. An aggregator sends such a piece only after
 * version {@code changesFrom} went the same way in the same attempt, and the edges from it keep
 * order (the feedback channel merges what it conflates, {@link #followedBy}), so every receiver
 * holds the version it needs; after a restart the first piece is whole.
 *
 * @param shard which parameter range this is
 * @param shards number of shards of the model
 * @param version global version of this shard (0 is the initial model)
 * @param params the shard's parameters
 * @param samplesInModel examples folded into this shard over all rounds
 * @param sourcesInModel distinct sources whose updates were folded in
 * @param rounds rounds closed
 * @param createdMillis wall-clock time the version was created
 * @param roundUpdates updates folded in the last round
 * @param roundSources distinct sources among the last round's updates
 * @param roundSamples examples folded in the last round
 * @param roundStaleness mean staleness of the last round's updates: how many versions this shard
 *     had advanced past the version each update was computed from
 * @param prequentialLoss mean prequential (predict-then-train) loss over every example folded in
 * @param prequentialAccuracy prequential accuracy over every example folded in
 * @param windowPrequentialLoss mean prequential loss over the most recent examples folded in
 *     ({@code evaluation.windowExamples}, at round granularity)
 * @param windowPrequentialAccuracy prequential accuracy over the same window
 * @param last whether this is the final version of a finished job
 * @param roundsSkipped rounds this shard closed without applying them, over the run: fewer updates
 *     than the strategy needs (a timeout, or updates rejected)
 * @param updatesRejected updates this shard's strategy dropped for holding a NaN or an infinity
 * @param updatesTooStale updates dropped for exceeding {@code rounds.maxStaleness}
 * @param epsilon the privacy spent so far by a DP strategy at {@code dpDelta} (infinite with no
 *     noise); NaN for other strategies
 * @param dpDelta the {@code delta} of {@code epsilon}; NaN for strategies without DP
 * @param control SCAFFOLD: the server control variate {@code c} over this shard's range, which
 *     the trainers' corrected steps need; null for every other strategy
 * @param globalDrifts concept drifts the server detected over the run, up to this version (shard
 *     0's detector, the one that sees every example's outcome; 0 on the other shards' pieces): a
 *     source that adopts a version with more than it has followed restarts its optimizer
 * @param changesFrom the version whose shard {@code changedIndices} change; -1 for a whole shard
 * @param changedIndices null for a whole shard; else the coordinates (within the shard, in any
 *     order, each once) whose new values {@code params} holds, in the same order, every other
 *     coordinate being as in version {@code changesFrom}
 */
public record GlobalModel(
        int shard,
        int shards,
        long version,
        float[] params,
        long samplesInModel,
        long sourcesInModel,
        long rounds,
        long createdMillis,
        int roundUpdates,
        int roundSources,
        long roundSamples,
        double roundStaleness,
        double prequentialLoss,
        double prequentialAccuracy,
        double windowPrequentialLoss,
        double windowPrequentialAccuracy,
        boolean last,
        long roundsSkipped,
        long updatesRejected,
        long updatesTooStale,
        double epsilon,
        double dpDelta,
        float[] control,
        long globalDrifts,
        long changesFrom,
        int[] changedIndices) {

    /** A whole shard's piece. */
    public GlobalModel(int shard, int shards, long version, float[] params, long samplesInModel, long sourcesInModel,
            long rounds, long createdMillis, int roundUpdates, int roundSources, long roundSamples,
            double roundStaleness, double prequentialLoss, double prequentialAccuracy, double windowPrequentialLoss,
            double windowPrequentialAccuracy, boolean last, long roundsSkipped, long updatesRejected,
            long updatesTooStale, double epsilon, double dpDelta, float[] control, long globalDrifts) {
        this(shard, shards, version, params, samplesInModel, sourcesInModel, rounds, createdMillis, roundUpdates,
                roundSources, roundSamples, roundStaleness, prequentialLoss, prequentialAccuracy,
                windowPrequentialLoss, windowPrequentialAccuracy, last, roundsSkipped, updatesRejected,
                updatesTooStale, epsilon, dpDelta, control, globalDrifts, -1, null);
    }

    /** This version with {@code count} concept drifts detected up to it. */
    public GlobalModel withGlobalDrifts(long count) {
        return new GlobalModel(shard, shards, version, params, samplesInModel, sourcesInModel, rounds, createdMillis,
                roundUpdates, roundSources, roundSamples, roundStaleness, prequentialLoss, prequentialAccuracy,
                windowPrequentialLoss, windowPrequentialAccuracy, last, roundsSkipped, updatesRejected, updatesTooStale,
                epsilon, dpDelta, control, count, changesFrom, changedIndices);
    }

    /** Whether this piece holds only the coordinates its version changed ({@link #changedIndices}). */
    public boolean changesOnly() {
        return changedIndices != null;
    }

    /** This version as a whole shard: {@code wholeShard}, the shard's every parameter at this version. */
    public GlobalModel withWholeShard(float[] wholeShard) {
        return withParams(wholeShard, -1, null);
    }

    /** This version's figures with other parameters: whole, or changes from {@code from} at {@code indices}. */
    private GlobalModel withParams(float[] values, long from, int[] indices) {
        return new GlobalModel(shard, shards, version, values, samplesInModel, sourcesInModel, rounds,
                createdMillis, roundUpdates, roundSources, roundSamples, roundStaleness, prequentialLoss,
                prequentialAccuracy, windowPrequentialLoss, windowPrequentialAccuracy, last, roundsSkipped,
                updatesRejected, updatesTooStale, epsilon, dpDelta, control, globalDrifts, from, indices);
    }

    /**
     * This piece after {@code next}, the next piece of the same shard, as one: {@code next} if it
     * is whole; else this piece with its changes set (whole if this one is, else the changes of
     * both from this one's {@link #changesFrom}, the newer value winning).
     *
     * @throws IllegalArgumentException if {@code next} changes another version than this one
     */
    public GlobalModel followedBy(GlobalModel next) {
        if (!next.changesOnly()) {
            return next;
        }
        if (next.changesFrom != version) {
            throw new IllegalArgumentException("shard " + shard + ": version " + next.version + " changes version "
                    + next.changesFrom + ", not " + version);
        }
        if (!changesOnly()) {
            float[] whole = params.clone();
            next.applyTo(whole);
            return next.withWholeShard(whole);
        }
        IntFloatMap merged = IntFloatMap.of(changedIndices, params);
        for (int k = 0; k < next.changedIndices.length; k++) {
            merged.put(next.changedIndices[k], next.params[k]);
        }
        int[] indices = merged.sortedKeys();
        return next.withParams(merged.valuesOf(indices), changesFrom, indices);
    }

    /**
     * Sets this piece's values in {@code shardParams}, the shard of version {@link #changesFrom}
     * (or, for a whole piece, of any version).
     */
    public void applyTo(float[] shardParams) {
        if (changedIndices == null) {
            System.arraycopy(params, 0, shardParams, 0, params.length);
            return;
        }
        for (int k = 0; k < changedIndices.length; k++) {
            shardParams[changedIndices[k]] = params[k];
        }
    }

    /** A version without skipped rounds, dropped updates, privacy accounting or drifts. */
    public GlobalModel(
            int shard,
            int shards,
            long version,
            float[] params,
            long samplesInModel,
            long sourcesInModel,
            long rounds,
            long createdMillis,
            int roundUpdates,
            int roundSources,
            long roundSamples,
            double roundStaleness,
            double prequentialLoss,
            double prequentialAccuracy,
            double windowPrequentialLoss,
            double windowPrequentialAccuracy,
            boolean last) {
        this(shard, shards, version, params, samplesInModel, sourcesInModel, rounds, createdMillis, roundUpdates,
                roundSources, roundSamples, roundStaleness, prequentialLoss, prequentialAccuracy,
                windowPrequentialLoss, windowPrequentialAccuracy, last, 0, 0, 0, Double.NaN, Double.NaN, null, 0);
    }
}
