package org.fedflink.pipeline;

/**
 * A global model version put together from the pieces of all its shards: the whole parameters,
 * the figures the shards keep apart combined as one version's ({@link ShardPieces}), and the first
 * shard's piece, whose round and prequential figures stand for the version.
 *
 * @param params the whole model's parameters
 * @param version the version number
 * @param samples examples folded into the version
 * @param sources distinct sources whose updates were folded in
 * @param rounds rounds closed
 * @param createdMillis wall-clock time the version was made
 * @param shards how many shards it was assembled from
 * @param roundsSkipped rounds closed without being applied, over the run
 * @param updatesRejected updates dropped for holding a NaN or an infinity
 * @param updatesTooStale updates dropped for exceeding {@code rounds.maxStaleness}
 * @param first shard 0's piece
 */
record AssembledVersion(
        float[] params,
        long version,
        long samples,
        long sources,
        long rounds,
        long createdMillis,
        int shards,
        long roundsSkipped,
        long updatesRejected,
        long updatesTooStale,
        GlobalModel first) {

    /**
     * The version of {@code pieces}, one per shard in shard order.
     *
     * @throws IllegalArgumentException if the pieces do not hold exactly {@code numParams} parameters
     */
    static AssembledVersion of(GlobalModel[] pieces, int numParams) {
        ShardPieces whole = new ShardPieces(numParams);
        // each shard counts what it skipped or dropped; the same update reaches every shard, so the
        // largest count is the run's (a sum would count an update once per shard)
        long skipped = 0;
        long rejected = 0;
        long tooStale = 0;
        for (GlobalModel p : pieces) {
            skipped = Math.max(skipped, p.roundsSkipped());
            rejected = Math.max(rejected, p.updatesRejected());
            tooStale = Math.max(tooStale, p.updatesTooStale());
            whole.add(p.params(), p.version(), p.samplesInModel(), p.sourcesInModel(), p.rounds(), p.createdMillis());
        }
        return new AssembledVersion(whole.params(), whole.version(), whole.samples(), whole.sources(), whole.rounds(),
                whole.createdMillis(), pieces.length, skipped, rejected, tooStale, pieces[0]);
    }

    /** Whether this is the final version of a finished job. */
    boolean last() {
        return first.last();
    }
}
