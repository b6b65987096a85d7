package org.fedflink.pipeline;

/**
 * One shard of a global model version, as published by the aggregator of that shard. A full
 * model version is the union of the {@code shards} pieces with the same version.
 *
 * <p>A piece is a full, versioned state (not an increment), so receivers keep the highest
 * version they have seen and can ignore older or repeated ones.
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
        long globalDrifts) {

    /** This version with {@code count} concept drifts detected up to it. */
    public GlobalModel withGlobalDrifts(long count) {
        return new GlobalModel(shard, shards, version, params, samplesInModel, sourcesInModel, rounds, createdMillis,
                roundUpdates, roundSources, roundSamples, roundStaleness, prequentialLoss, prequentialAccuracy,
                windowPrequentialLoss, windowPrequentialAccuracy, last, roundsSkipped, updatesRejected, updatesTooStale,
                epsilon, dpDelta, control, count);
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
