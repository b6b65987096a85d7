package org.fedflink.drift;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Each source's usual error, so that the server's detector watches how far an example's error is
 * above its own source's ({@link #excess}) rather than the error itself.
 *
 * <p>Why: the server folds the examples of many sources in the order their updates arrive, and
 * sources differ in how hard they are (a non-IID federation). That order follows the load of the
 * machines: a burst of updates from the harder sources raises the pooled error with no change of
 * concept, and ADWIN, whose window grows to tens of thousands of examples on a stationary stream,
 * takes a rise of a point or two for a change. Each detection restarts every source's schedule,
 * which costs accuracy. On the quickstart under load 4 of 5 runs saw such a detection. An error
 * above its source's own level is the same however the sources interleave; a change of concept
 * raises it on every source it touches, so the federation's detections keep their delay.
 *
 * <p>A source's level is the mean of its errors over its last about {@value #HORIZON} examples
 * (a running mean whose weight stops shrinking at {@code 1 / HORIZON}); its first
 * {@value #WARM_UP} examples only set it. The horizon is long so that a slow rise of the errors (a
 * gradual drift) stands out against it; the server {@link #clear() clears} the levels at a global
 * drift, after which each source's errors are of a new concept. At most {@value #MAX_SOURCES}
 * sources keep a level, the least recently heard from forgotten first (one that comes back warms
 * up again), so that the server's memory and checkpoints do not grow with the sources. Not
 * thread-safe.
 */
public final class SourceBaselines {

    /** Examples a source's level averages over, once it has seen that many. */
    public static final int HORIZON = 10_000;
    /** Examples of a source that only set its level before its excesses are watched. */
    public static final int WARM_UP = 50;

    /** Watched examples of all sources that {@link #recentLevel()} averages over. */
    public static final int RECENT = 200;
    /** Sources whose level is kept. */
    public static final int MAX_SOURCES = 100_000;

    private final Map<String, double[]> levels;
    /** The running mean of the levels of the last about {@value #RECENT} watched examples' sources. */
    private double recentLevel;
    private long watched;

    private SourceBaselines(Map<String, double[]> levels, double recentLevel, long watched) {
        this.levels = levels;
        this.recentLevel = recentLevel;
        this.watched = watched;
    }

    /** No source seen yet. */
    public static SourceBaselines empty() {
        return new SourceBaselines(boundedLevels(), 0, 0);
    }

    /**
     * Takes the source's example error into its level and returns how far it was above the level
     * before it: NaN while the source is warming up or for an error that is NaN.
     */
    public double excess(String source, double error) {
        return Double.isNaN(error) ? Double.NaN : excess(levelOf(source), error);
    }

    /**
     * A source's level (its mean and examples seen), to take several of its examples' errors with
     * {@link #excess(double[], double)} without a lookup for each; invalid after {@link #clear()}.
     */
    double[] levelOf(String source) {
        return levels.computeIfAbsent(source, s -> new double[2]);
    }

    /** {@link #excess(String, double)} of a source's {@link #levelOf level} and an error that is not NaN. */
    double excess(double[] level, double error) {
        double seen = level[1];
        double excess = Double.NaN;
        if (seen >= WARM_UP) {
            excess = error - level[0];
            watched++;
            recentLevel += (level[0] - recentLevel) / Math.min(watched, RECENT);
        }
        level[1] = seen + 1;
        level[0] += (error - level[0]) / Math.min(level[1], HORIZON);
        return excess;
    }

    /**
     * The mean level of the sources of the last about {@value #RECENT} watched examples: the scale
     * of their errors; 0 before any.
     */
    public double recentLevel() {
        return recentLevel;
    }

    /** Forgets every source's level: after a change of concept each is measured anew. */
    public void clear() {
        levels.clear();
    }

    /** Sources with a level. */
    public int size() {
        return levels.size();
    }

    /** The levels for a checkpoint, sorted by source: each source's mean and examples seen. */
    public State toState() {
        String[] sources = levels.keySet().toArray(new String[0]);
        Arrays.sort(sources);
        double[] means = new double[sources.length];
        long[] examples = new long[sources.length];
        for (int i = 0; i < sources.length; i++) {
            double[] level = levels.get(sources[i]);
            means[i] = level[0];
            examples[i] = (long) level[1];
        }
        return new State(sources, means, examples, new double[] {recentLevel, watched});
    }

    /**
     * Levels restored from {@link #toState()}; a null state (a checkpoint from before levels were
     * kept) is none.
     *
     * @throws IllegalArgumentException if the arrays differ in length
     */
    public static SourceBaselines fromState(State state) {
        if (state == null || state.sources() == null) {
            return empty();
        }
        if (state.means() == null || state.examples() == null || state.means().length != state.sources().length
                || state.examples().length != state.sources().length || state.recent() == null
                || state.recent().length != 2) {
            throw new IllegalArgumentException("source levels: " + state.sources().length
                    + " sources but means, examples or recent means of other lengths");
        }
        Map<String, double[]> levels = boundedLevels();
        for (int i = 0; i < state.sources().length; i++) {
            levels.put(state.sources()[i], new double[] {state.means()[i], state.examples()[i]});
        }
        return new SourceBaselines(levels, state.recent()[0], (long) state.recent()[1]);
    }

    /** A map of levels that forgets its least recently used source beyond {@value #MAX_SOURCES}. */
    private static Map<String, double[]> boundedLevels() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
                return size() > MAX_SOURCES;
            }
        };
    }

    /**
     * Each source's mean error and examples seen, by index, and {@code [recentLevel, watched]}.
     */
    public record State(String[] sources, double[] means, long[] examples, double[] recent) {}
}
