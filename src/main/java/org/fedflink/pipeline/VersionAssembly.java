package org.fedflink.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The pieces of global model versions until every shard's has arrived. The shards' final pieces
 * make one version together whatever version numbers they carry, and they stay held (and
 * checkpointed) once complete.
 */
final class VersionAssembly {

    private final int numParams;
    private final TreeMap<Long, GlobalModel[]> partial = new TreeMap<>();
    private GlobalModel[] finals;

    /** @param numParams the whole model's parameters */
    VersionAssembly(int numParams) {
        this.numParams = numParams;
    }

    /**
     * Adds a piece.
     *
     * @return the version it completes; null while shards are missing
     */
    AssembledVersion add(GlobalModel piece) {
        GlobalModel[] pieces = hold(piece);
        if (!complete(pieces)) {
            return null;
        }
        if (!piece.last()) {
            partial.remove(piece.version());
        }
        return AssembledVersion.of(pieces, numParams);
    }

    /** Takes back a piece held at a checkpoint, without completing anything. */
    void restore(GlobalModel piece) {
        hold(piece);
    }

    /** Every piece held, for the checkpoint: the versions in order, then the final one's. */
    List<GlobalModel> pieces() {
        List<GlobalModel> pieces = new ArrayList<>();
        partial.values().forEach(ps -> addHeld(ps, pieces));
        if (finals != null) {
            addHeld(finals, pieces);
        }
        return pieces;
    }

    private GlobalModel[] hold(GlobalModel piece) {
        GlobalModel[] pieces;
        if (piece.last()) {
            if (finals == null) {
                finals = new GlobalModel[piece.shards()];
            }
            pieces = finals;
        } else {
            pieces = partial.computeIfAbsent(piece.version(), v -> new GlobalModel[piece.shards()]);
        }
        pieces[piece.shard()] = piece;
        return pieces;
    }

    private static boolean complete(GlobalModel[] pieces) {
        for (GlobalModel p : pieces) {
            if (p == null) {
                return false;
            }
        }
        return true;
    }

    private static void addHeld(GlobalModel[] held, List<GlobalModel> into) {
        for (GlobalModel p : held) {
            if (p != null) {
                into.add(p);
            }
        }
    }
}
