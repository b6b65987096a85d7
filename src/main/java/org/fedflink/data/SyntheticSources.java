package org.fedflink.data;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;

/**
 * The non-IID sources of {@link SyntheticGenerator}'s data: per source {@code s} (named
 * {@code "source-" + s}) a feature shift {@code delta_s ~ N(0, featureShift^2 I)} and, with
 * classes, a class mix {@code pi_s ~ Dirichlet(labelSkew, ..., labelSkew)}.
 *
 * <p>Source {@code s} draws from a stream of its own ({@code SplitMix64.streamSeed(keys, s)}), so
 * its parameters do not depend on the number of sources — and can be drawn when an example needs
 * them instead of held for every source: a table of all sources took 26 MB at 100,000 sources of
 * 32 features, several times over (in the job graph, in the reader and beside it), and grew without
 * bound. A few recently drawn sources are kept in a small direct-mapped cache of at most
 * {@link #CACHE_BYTES}, rebuilt empty in every copy (it is not serialized), so every source of a
 * small family is drawn once. Thread-safe: cached sources are immutable and a lost race only
 * draws a source twice.
 */
final class SyntheticSources implements Serializable {

    private static final long serialVersionUID = 2L;

    /** The memory the cache of drawn sources may take (estimated from its rows' sizes). */
    static final long CACHE_BYTES = 4L << 20;
    /** Bytes of a cached source besides its doubles: the source, its name and arrays' headers. */
    private static final long SOURCE_OVERHEAD_BYTES = 160;

    private final int sourceCount;
    private final int features;
    private final int classes;
    private final double labelSkew;
    private final double featureShift;
    private final long key;
    private final long salt;
    private transient Source[] cache;

    /**
     * @param classes the number of classes, 0 for none (LINEAR: no class mixes are drawn)
     * @param keys the stream keys of the source family ({@link SplitMix64#streamKeys})
     */
    SyntheticSources(int sources, int features, int classes, double labelSkew, double featureShift, long[] keys) {
        this.sourceCount = sources;
        this.features = features;
        this.classes = classes;
        this.labelSkew = labelSkew;
        this.featureShift = featureShift;
        this.key = keys[0];
        this.salt = keys[1];
        this.cache = newCache();
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        cache = newCache();
    }

    /** A power of two of slots: one for every source, fewer when that would exceed the budget. */
    private Source[] newCache() {
        long sourceBytes = (long) Double.BYTES * (features + 2L * classes) + SOURCE_OVERHEAD_BYTES;
        int withinBudget = Integer.highestOneBit((int) Math.max(16, CACHE_BYTES / sourceBytes));
        int everySource = Integer.highestOneBit(Math.min(sourceCount, 1 << 20) * 2 - 1);
        return new Source[Math.max(16, Math.min(everySource, withinBudget))];
    }

    /** Source {@code s}'s parameters, drawn now unless cached. */
    Source source(int s) {
        Source[] slots = cache;
        int slot = s & (slots.length - 1);
        Source cached = slots[slot];
        if (cached != null && cached.index == s) {
            return cached;
        }
        Source drawn = draw(s);
        slots[slot] = drawn;
        return drawn;
    }

    /** The slots of the cache of drawn sources (for tests). */
    int cacheSlots() {
        return cache.length;
    }

    private Source draw(int s) {
        SplitMix64 r = new SplitMix64(SplitMix64.streamSeed(key, salt, s));
        double[] classMix = null;
        double[] classCdf = null;
        if (classes > 0) {
            classMix = Partitioner.dirichlet(r, labelSkew, classes);
            classCdf = new double[classes];
            double cum = 0;
            for (int c = 0; c < classes; c++) {
                cum += classMix[c];
                classCdf[c] = cum;
            }
            classCdf[classes - 1] = 1.0;
        }
        double[] shifts = new double[features];
        for (int j = 0; j < features; j++) {
            shifts[j] = r.nextGaussian() * featureShift;
        }
        return new Source(s, "source-" + s, shifts, classCdf, classMix);
    }

    /**
     * One source's parameters; its arrays are never written after it is made.
     *
     * @param shifts {@code delta_s}, one per feature; read directly by the generator's record emission
     * @param classCdf the cumulative class distribution, last entry exactly 1 (null without classes)
     * @param classMix the class mix {@code pi_s} itself, for inspection (null without classes)
     */
    record Source(int index, String name, double[] shifts, double[] classCdf, double[] classMix) {

        /** The class that the uniform {@code u} in [0, 1) picks from {@code pi_s}. */
        int drawClass(double u) {
            int y = 0;
            while (y < classCdf.length - 1 && u >= classCdf[y]) {
                y++;
            }
            return y;
        }
    }
}
