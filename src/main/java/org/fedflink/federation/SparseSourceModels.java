package org.fedflink.federation;

import org.fedflink.model.IntFloatMap;
import org.fedflink.model.OffsetLearner;
import org.fedflink.model.OnlineLearner;

/**
 * The sparse layout of the per-source state ({@link LocalLearner}): a source's model is the
 * shared global model plus a sparse offset (see {@link SourceModel}), so a source costs what it
 * touched since it last adopted a global version, not a copy of the model. Adopting a newer
 * version drops the reported part of the offset and keeps the unreported part, exactly as the
 * dense layout's {@code params = G + (params - anchor)}; reporting sends the unreported part as a
 * sparse delta. Used for linear models trained with plain local steps (no proximal pull or control
 * variates, which move every coordinate).
 */
public final class SparseSourceModels {

    private final OffsetLearner learner;
    private final ShardLayout layout;

    SparseSourceModels(OffsetLearner learner, ShardLayout layout) {
        this.learner = learner;
        this.layout = layout;
    }

    /** Sets the global model's parameters from {@code from} on (a newer version of a shard). */
    void setGlobal(int from, float[] params) {
        learner.setBase(from, params);
    }

    /** Sets the global model's parameters {@code from + changed[k]} to {@code values[k]}. */
    void setGlobal(int from, int[] changed, float[] values) {
        learner.setBase(from, changed, values);
    }

    /** A fresh source: the global model itself. */
    void initialize(SourceModel s) {
        s.offset = new IntFloatMap();
        s.anchorOffset = new IntFloatMap();
        s.sparseState = new IntFloatMap();
    }

    /**
     * Builds the maps of a source read from keyed state (its serialized arrays, see
     * {@link SourceModelSerializer}); a source whose maps are live (a heap backend hands back the
     * stored object itself) is left as it is.
     */
    void restore(SourceModel s) {
        if (s.offset != null) {
            return;
        }
        int[] indices = s.offsetIndices == null ? new int[0] : s.offsetIndices;
        s.offset = IntFloatMap.of(indices, s.offsetValues == null ? new float[0] : s.offsetValues);
        s.anchorOffset = s.anchorValues == null
                ? IntFloatMap.of(indices, s.offset.valuesOf(indices))
                : IntFloatMap.of(indices, s.anchorValues);
        s.sparseState = s.stateIndices == null ? new IntFloatMap() : IntFloatMap.of(s.stateIndices, s.stateValues);
        s.offsetIndices = null;
        s.offsetValues = null;
        s.anchorValues = null;
        s.stateIndices = null;
        s.stateValues = null;
    }

    /** The source's whole model, {@code base + offset}, written into {@code into} (as long as the model). */
    static void materialize(SourceModel s, float[] base, float[] into) {
        System.arraycopy(base, 0, into, 0, base.length);
        IntFloatMap offset = s.offset;
        for (int slot = 0; slot < offset.slots(); slot++) {
            int k = offset.keyAt(slot);
            if (k >= 0) {
                into[k] += offset.valueAt(slot);
            }
        }
    }

    OnlineLearner.Outcome learn(SourceModel s, long step, int[] indices, float[] values, double label) {
        return learner.learn(s.offset, s.sparseState, step, indices, values, label);
    }

    /**
     * Moves a source onto the newer global version of {@code shard}: on that shard's range the
     * offset loses what was reported ({@code offset -= anchorOffset}) and the anchor becomes the
     * global model. Entries left at zero are removed, so the offset holds only unreported work.
     */
    void rebase(SourceModel s, int shard) {
        if (s.anchorOffset.isEmpty()) {
            return;
        }
        int from = layout.from(shard);
        int to = layout.to(shard);
        IntFloatMap offset = s.offset;
        IntFloatMap anchor = s.anchorOffset;
        // rebuilt in one pass over the slots: no sorting, and no removals inside probe runs
        // as large as the offset was, so the source's next steps do not grow it again
        IntFloatMap unreported = new IntFloatMap(offset.slots() / 2);
        for (int slot = 0; slot < offset.slots(); slot++) {
            int k = offset.keyAt(slot);
            if (k < 0) {
                continue;
            }
            if (k < from || k >= to) {
                // another shard's entry, rebased when that shard's version arrives: kept as it is,
                // zero or not, so that every anchor entry still has its offset entry
                unreported.put(k, offset.valueAt(slot));
                continue;
            }
            float value = offset.valueAt(slot) - anchor.get(k);
            if (value != 0f) {
                unreported.put(k, value);
            }
        }
        s.offset = unreported;
        if (layout.shards() == 1) {
            anchor.clear();
            return;
        }
        IntFloatMap otherShards = new IntFloatMap(anchor.slots() / 2);
        for (int slot = 0; slot < anchor.slots(); slot++) {
            int k = anchor.keyAt(slot);
            if (k >= 0 && (k < from || k >= to)) {
                otherShards.put(k, anchor.valueAt(slot));
            }
        }
        s.anchorOffset = otherShards;
    }

    /**
     * The progress since the last report, one sparse piece per shard (indices relative to the
     * shard's first parameter), and moves the anchor to the parameters.
     */
    Piece[] takeProgress(SourceModel s) {
        int shards = layout.shards();
        IntFloatMap offset = s.offset;
        // one pass over the maps finds every change and its shard; a second fills the pieces
        int[] keys = new int[offset.size()];
        float[] changes = new float[offset.size()];
        int[] shardOf = new int[offset.size()];
        int[] counts = new int[shards];
        int n = 0;
        for (int slot = 0; slot < offset.slots(); slot++) {
            int k = offset.keyAt(slot);
            if (k < 0) {
                continue;
            }
            float change = offset.valueAt(slot) - s.anchorOffset.get(k);
            if (change != 0f) {
                keys[n] = k;
                changes[n] = change;
                shardOf[n] = shards == 1 ? 0 : layout.shardOf(k);
                counts[shardOf[n]]++;
                n++;
            }
        }
        Piece[] pieces = new Piece[shards];
        for (int shard = 0; shard < shards; shard++) {
            pieces[shard] = new Piece(new int[counts[shard]], new float[counts[shard]]);
        }
        int[] filled = new int[shards];
        for (int i = 0; i < n; i++) {
            int shard = shardOf[i];
            int m = filled[shard]++;
            pieces[shard].indices[m] = keys[i] - layout.from(shard);
            pieces[shard].values[m] = changes[i];
        }
        s.anchorOffset.copyFrom(offset);
        return pieces;
    }

    /** {@link #takeProgress} as one dense delta over all parameters (for local DP and attacks). */
    float[] takeDenseProgress(SourceModel s) {
        float[] delta = new float[layout.numParams()];
        Piece[] pieces = takeProgress(s);
        for (int shard = 0; shard < pieces.length; shard++) {
            int from = layout.from(shard);
            for (int i = 0; i < pieces[shard].indices.length; i++) {
                delta[from + pieces[shard].indices[i]] = pieces[shard].values[i];
            }
        }
        return delta;
    }

    /** One shard's sparse change: {@code values[i]} at {@code indices[i]}. */
    public record Piece(int[] indices, float[] values) {}
}
