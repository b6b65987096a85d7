package org.fedflink.pipeline;

/**
 * Makes whole pieces of the pieces that hold only the coordinates their version changed
 * ({@link GlobalModel#changesOnly()}), from the last whole piece of each shard: what the model
 * writer needs to score, write and send every version. Pieces arrive in order per shard, the
 * first of an attempt whole, so the version a piece of changes changes is always the one held.
 */
final class WholeShards {

    private final GlobalModel[] newest;

    WholeShards(int shards) {
        newest = new GlobalModel[shards];
    }

    /**
     * {@code piece} whole: itself if it is, else the newest version held with its changes set.
     *
     * @throws IllegalStateException if the piece changes a version that is not the one held
     */
    GlobalModel whole(GlobalModel piece) {
        GlobalModel whole = piece;
        if (piece.changesOnly()) {
            GlobalModel before = newest[piece.shard()];
            if (before == null || before.version() != piece.changesFrom()) {
                throw new IllegalStateException("shard " + piece.shard() + ": version " + piece.version()
                        + " came as its changes from " + piece.changesFrom() + ", but the version held is "
                        + (before == null ? "none" : before.version()));
            }
            // a fresh array: the pieces handed on are kept (awaiting their files, checkpointed)
            whole = before.followedBy(piece);
        }
        newest[piece.shard()] = whole;
        return whole;
    }
}
