package org.fedflink.data;

import java.util.HashSet;
import java.util.Set;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * How many distinct names (data sources) were seen, in bounded memory: exact up to
 * {@value #EXACT_LIMIT} names, then estimated by a HyperLogLog sketch (Apache DataSketches, 2^{@value
 * #LG_REGISTERS} one-byte registers: 16 KB whatever the number of sources, a standard error of
 * about 0.8 %). Counts of several subtasks merge ({@link #addAll}) as the union of their names
 * would.
 *
 * <p>Why: the ingest and the aggregator count the sources a job has seen; a set of every name grows
 * with the sources (100,000 names are megabytes, copied into every checkpoint). Not thread-safe.
 */
public final class DistinctCount {

    /** Names counted exactly, before the count turns into a sketch. */
    public static final int EXACT_LIMIT = 10_000;
    static final int LG_REGISTERS = 14;

    /** The names seen, while counted exactly; null once sketched. */
    private Set<String> names = new HashSet<>();
    /** The sketch once sketched; null while exact. */
    private HllSketch sketch;

    /**
     * The checkpointed form: the names while exact (else empty), the sketch's bytes once sketched
     * (else null).
     */
    public record State(String[] names, byte[] sketch) {}

    public void add(String name) {
        if (sketch != null) {
            sketch.update(name);
        } else if (names.add(name) && names.size() > EXACT_LIMIT) {
            toSketch();
        }
    }

    /** Adds every name {@code other} has seen. */
    public void addAll(DistinctCount other) {
        if (other.sketch == null) {
            other.names.forEach(this::add);
            return;
        }
        if (sketch == null) {
            toSketch();
        }
        Union union = new Union(LG_REGISTERS);
        union.update(sketch);
        union.update(other.sketch);
        sketch = union.getResult(TgtHllType.HLL_8);
    }

    /** The number of distinct names: exact while {@link #isExact()}, else the sketch's estimate. */
    public long count() {
        return sketch == null ? names.size() : Math.round(sketch.getEstimate());
    }

    /** Whether {@link #count()} is exact (at most {@value #EXACT_LIMIT} names so far). */
    public boolean isExact() {
        return sketch == null;
    }

    public State toState() {
        return sketch == null ? new State(names.toArray(new String[0]), null)
                : new State(new String[0], sketch.toCompactByteArray());
    }

    /**
     * A count restored from {@link #toState()}; null fields count nothing.
     *
     * @throws IllegalArgumentException if the sketch's bytes are not a sketch
     */
    public static DistinctCount of(State state) {
        DistinctCount count = new DistinctCount();
        if (state == null) {
            return count;
        }
        if (state.sketch() != null) {
            try {
                count.sketch = HllSketch.heapify(state.sketch());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a distinct-count sketch (" + state.sketch().length
                        + " bytes): " + e.getMessage(), e);
            }
            count.names = null;
        }
        if (state.names() != null) {
            for (String name : state.names()) {
                count.add(name);
            }
        }
        return count;
    }

    private void toSketch() {
        sketch = new HllSketch(LG_REGISTERS, TgtHllType.HLL_8);
        names.forEach(sketch::update);
        names = null;
    }

    @Override
    public String toString() {
        return (isExact() ? "" : "~") + count() + " distinct";
    }
}
