package org.fedflink.drift;

import java.util.Arrays;
import org.fedflink.model.HeapBytes;

/**
 * ADWIN, adaptive windowing (Bifet and Gavaldà, "Learning from Time-Changing Data with Adaptive
 * Windowing", SIAM SDM 2007): a window of the most recent observations that keeps the longest
 * length consistent with "the mean has not changed inside the window". When two sub-windows, an
 * older {@code W0} and a newer {@code W1}, have means further apart than a bound that holds with
 * probability {@code 1 - delta} under no change, the oldest observations are dropped; that cut is
 * the detection.
 *
 * <p>This is ADWIN2, the paper's memory-efficient form: the window is an exponential histogram
 * whose row {@code r} holds up to {@code maxBuckets} buckets of {@code 2^r} observations each (their
 * sum and their sum of squared deviations), so a window of {@code W} observations takes
 * {@code O(maxBuckets log W)} memory and time, and cuts are tested at bucket boundaries, every
 * {@code clock} observations once the window holds more than {@code gracePeriod}. The bound is
 * the one MOA and River compute, with the window's variance {@code v} (the paper's Bernstein-type
 * form) and {@code delta' = delta / ln W}:
 *
 * <pre>
 *   dd      = ln(2 ln(W) / delta)
 *   m       = 1 / (n0 - minWindowLength + 1) + 1 / (n1 - minWindowLength + 1)
 *   epsilon = sqrt(2 m v dd) + 2/3 dd m
 *   cut when |mean(W0) - mean(W1)| > epsilon
 * </pre>
 *
 * <h2>Against MOA and River</h2>
 *
 * This is MOA's {@code moa.classifiers.core.driftdetection.ADWIN} step for step (the order of the
 * cuts tried, the updates of sum and variance, the bound's arithmetic), so it detects at the same
 * observations: AdwinTest holds MOA 2024.07's indices for several streams and settings. With
 * {@link Mode#UP} it reports as MOA's {@code ADWINChangeDetector}. Where they part:
 *
 * <ul>
 *   <li>bucket merges and drops compute {@code n1 * n2} and {@code n * W} in doubles; MOA multiplies
 *       two {@code int}s there, which overflows past 2^31: when buckets of 2^16 merge (windows of
 *       some hundreds of thousands of observations) or a cut drops a bucket of {@code n} from a
 *       window of {@code W} with {@code n W > 2^31}. Below that the figures are the same; past it
 *       MOA's window variance goes wrong (AdwinTest shows one after 1.5 million observations).
 *   <li>River's {@code ADWIN} (0.26) asks each sub-window for at least {@code min_window_length}
 *       observations, MOA for more than {@code minWindowLength + 1}; this class follows MOA. The
 *       bound itself keeps sub-windows of a few observations out unless {@code minWindowLength} is
 *       about 1, so the two rules part only there (AdwinTest shows a stream where they do).
 *       Settings and defaults are River's (see {@link AdwinConfig}).
 * </ul>
 *
 * <h2>State</h2>
 *
 * {@link #toState()} is {@code [version 1, kind 1, delta, clock, maxBuckets, minWindowLength,
 * gracePeriod, mode code, observations, statistic, total, variance, rows, then per row from the
 * newest (buckets of 1): its bucket count, then each bucket's sum and squared deviations, oldest
 * first]}; about {@code 2 maxBuckets log2(W / maxBuckets)} entries.
 *
 * <p>Not thread-safe.
 */
public final class Adwin implements DriftDetector {

    /** {@link #name()}: the detector's name in configuration. */
    public static final String NAME = "adwin";

    /**
     * Rows allocated up front (buckets up to 2^1, a window of a dozen observations), doubled as the
     * window grows: a trainer holds a detector per source, most of whose windows stay short when
     * sources are many (at 100,000 sources 8 rows up front were 80 MB of heap).
     */
    private static final int INITIAL_ROWS = 2;

    private final AdwinConfig config;
    /** Buckets a row can hold: it merges its oldest two when it reaches {@code maxBuckets + 1}. */
    private final int slots;

    /** Row {@code r}'s bucket {@code k} (oldest first) is at {@code r * slots + k}. */
    private double[] sums;
    private double[] deviations;
    private int[] counts;
    /** Rows in use, at least one; the last holds the oldest buckets. */
    private int rows;

    private long width;
    private double total;
    /** Sum of squared deviations from the window's mean (MOA's VARIANCE): variance times width. */
    private double variance;
    private long observations;
    private double statistic;

    /** A detector with no observations; as {@link AdwinConfig#create()}. */
    public Adwin(AdwinConfig config) {
        this.config = Checks.required("config", config, "");
        this.slots = config.maxBuckets() + 1;
        reset();
    }

    @Override
    public AdwinConfig config() {
        return config;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Adds the observation to the window and, at every {@code clock}-th observation, drops the
     * oldest bucket while some cut of the window exceeds the bound. A change is detected when at
     * least one bucket was dropped and the window's mean moved the way {@link AdwinConfig#mode()}
     * asks (compared with the mean before this observation).
     */
    @Override
    public boolean update(double value) {
        Checks.observation(value);
        double before = estimation();
        observations++;
        insert(value);
        if (observations % config.clock() != 0 || width <= config.gracePeriod()) {
            return false;
        }
        double difference = shrink();
        if (Double.isNaN(difference)) {
            return false;
        }
        // as MOA's ADWINChangeDetector: the direction is the window mean's move over the whole step
        boolean reported = switch (config.mode()) {
            case UP -> estimation() > before;
            case DOWN -> estimation() < before;
            case BOTH -> true;
        };
        if (reported) {
            statistic = difference;
        }
        return reported;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here {@code |mean(W0) - mean(W1)|} at the first cut of the detecting observation; later
     * cuts at the same observation (the window can shrink several buckets at once) are not shown.
     */
    @Override
    public double statistic() {
        return statistic;
    }

    /** {@inheritDoc} Here {@link #estimation()}. */
    @Override
    public double recentMean() {
        return estimation();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public long observations() {
        return observations;
    }

    /** Observations in the window. */
    public long width() {
        return width;
    }

    /** The window's mean (ADWIN's estimate of the stream's current mean); NaN while empty. */
    public double estimation() {
        return width == 0 ? Double.NaN : total / width;
    }

    /** The window's variance (population, divided by the width); NaN while empty. */
    public double variance() {
        return width == 0 ? Double.NaN : variance / width;
    }

    @Override
    public void reset() {
        sums = new double[INITIAL_ROWS * slots];
        deviations = new double[INITIAL_ROWS * slots];
        counts = new int[INITIAL_ROWS];
        rows = 1;
        width = 0;
        total = 0;
        variance = 0;
        observations = 0;
        statistic = Double.NaN;
    }

    @Override
    public long heapBytes() {
        // the fields: four references, two ints, two longs and three doubles; then the bucket rows
        return HeapBytes.object(4 * 4 + 2 * 4 + 2 * 8 + 3 * 8) + HeapBytes.of(sums) + HeapBytes.of(deviations)
                + HeapBytes.of(counts);
    }

    @Override
    public double[] toState() {
        DetectorState.Writer out = DetectorState.write(DetectorState.ADWIN, 13 + rows * (1 + 2 * config.maxBuckets()))
                .add(config.delta())
                .add(config.clock())
                .add(config.maxBuckets())
                .add(config.minWindowLength())
                .add(config.gracePeriod())
                .add(config.mode().code())
                .add(observations)
                .add(statistic)
                .add(total)
                .add(variance)
                .add(rows);
        for (int r = 0; r < rows; r++) {
            out.add(counts[r]);
            for (int k = 0; k < counts[r]; k++) {
                out.add(sums[r * slots + k]).add(deviations[r * slots + k]);
            }
        }
        return out.toArray();
    }

    /**
     * The detector whose {@link #toState()} this is.
     *
     * @throws IllegalArgumentException if the array is not an ADWIN state this build reads
     */
    public static Adwin fromState(double[] state) {
        return fromState(state, null);
    }

    /** The same, holding {@code shared} as its configuration when that equals the state's (null: none). */
    static Adwin fromState(double[] state, AdwinConfig shared) {
        DetectorState.Reader in = DetectorState.read(state, DetectorState.ADWIN);
        AdwinConfig config = new AdwinConfig(
                in.next(),
                (int) in.nextCount("clock", 1, Integer.MAX_VALUE),
                (int) in.nextCount("maxBuckets", 1, Integer.MAX_VALUE - 1),
                (int) in.nextCount("minWindowLength", 1, Integer.MAX_VALUE),
                (int) in.nextCount("gracePeriod", 0, Integer.MAX_VALUE),
                Mode.fromCode((int) in.nextCount("mode", 0, Integer.MAX_VALUE)));
        Adwin adwin = new Adwin(config.equals(shared) ? shared : config);
        adwin.observations = in.nextCount("observation count", 0, 1L << 53);
        adwin.statistic = in.next();
        adwin.total = in.next();
        adwin.variance = in.next();
        // a window past 2^62 observations is beyond any stream; the bound keeps 1L << r valid
        int rows = (int) in.nextCount("row count", 1, 62);
        while (adwin.counts.length < rows) {
            adwin.growRows();
        }
        adwin.rows = rows;
        for (int r = 0; r < rows; r++) {
            int count = (int) in.nextCount("bucket count", 0, config.maxBuckets());
            adwin.counts[r] = count;
            adwin.width += (long) count << r;
            for (int k = 0; k < count; k++) {
                adwin.sums[r * adwin.slots + k] = in.next();
                adwin.deviations[r * adwin.slots + k] = in.next();
            }
        }
        in.end();
        if (rows > 1 && adwin.counts[rows - 1] == 0) {
            // the oldest row is what a cut drops from; an empty one would never be removed
            throw new IllegalArgumentException("adwin state has an empty oldest row (" + rows + " rows)");
        }
        return adwin;
    }

    @Override
    public String toString() {
        return "Adwin[delta=" + config.delta() + ", clock=" + config.clock() + ", maxBuckets=" + config.maxBuckets()
                + ", minWindowLength=" + config.minWindowLength() + ", gracePeriod=" + config.gracePeriod()
                + ", mode=" + config.mode() + "; observations=" + observations + ", width=" + width + "]";
    }

    private void insert(double value) {
        width++;
        if (width > 1) {
            // the deviation of the new value from the mean of the window before it
            double d = value - total / (width - 1);
            variance += (width - 1) * d * d / width;
        }
        total += value;
        append(0, value, 0);
        compress();
    }

    /** Merges the oldest two buckets of every full row into one of the next row, as far as needed. */
    private void compress() {
        for (int r = 0; counts[r] == slots; r++) {
            if (r + 1 == rows) {
                if (rows == counts.length) {
                    growRows();
                }
                rows++;
            }
            int at = r * slots;
            double n = 1L << r;
            double d = sums[at] / n - sums[at + 1] / n;
            // Chan et al.'s pairwise update of the squared deviations of two merged groups
            append(r + 1, sums[at] + sums[at + 1], deviations[at] + deviations[at + 1] + n * n * d * d / (n + n));
            removeOldest(r, 2);
        }
    }

    /**
     * Drops the oldest bucket while a cut exceeds the bound, trying the cuts from the oldest
     * boundary to the newest and starting again after each drop, as MOA does.
     *
     * @return {@code |mean(W0) - mean(W1)|} at the first cut, NaN when there was none
     */
    private double shrink() {
        double first = Double.NaN;
        int min = config.minWindowLength();
        boolean cut = true;
        while (cut) {
            cut = false;
            long n0 = 0;
            long n1 = width;
            double u0 = 0;
            double u1 = total;
            scan:
            for (int r = rows - 1; r >= 0; r--) {
                long size = 1L << r;
                for (int k = 0; k < counts[r]; k++) {
                    double sum = sums[r * slots + k];
                    n0 += size;
                    n1 -= size;
                    u0 += sum;
                    u1 -= sum;
                    if (n1 == 0) {
                        break scan;
                    }
                    double difference = u0 / n0 - u1 / n1;
                    if (n0 > min + 1 && n1 > min + 1 && exceedsBound(n0, n1, difference)) {
                        if (Double.isNaN(first)) {
                            first = Math.abs(difference);
                        }
                        dropOldestBucket();
                        cut = true;
                        break scan;
                    }
                }
            }
        }
        return first;
    }

    private boolean exceedsBound(long n0, long n1, double difference) {
        // the operations in MOA's order: a different rounding can move a detection by a clock tick
        double dd = Math.log(2 * Math.log(width) / config.delta());
        double v = variance / width;
        int min = config.minWindowLength();
        double m = 1.0 / (n0 - min + 1) + 1.0 / (n1 - min + 1);
        double epsilon = Math.sqrt(2 * m * v * dd) + 2.0 / 3 * dd * m;
        return Math.abs(difference) > epsilon;
    }

    private void dropOldestBucket() {
        int r = rows - 1;
        int at = r * slots;
        long n = 1L << r;
        width -= n;
        total -= sums[at];
        double d = sums[at] / n - total / width;
        variance -= deviations[at] + (double) (n * width) * d * d / (n + width);
        removeOldest(r, 1);
        if (counts[r] == 0) {
            rows--;
        }
    }

    private void append(int row, double sum, double deviation) {
        int at = row * slots + counts[row]++;
        sums[at] = sum;
        deviations[at] = deviation;
    }

    private void removeOldest(int row, int buckets) {
        int at = row * slots;
        int left = counts[row] - buckets;
        System.arraycopy(sums, at + buckets, sums, at, left);
        System.arraycopy(deviations, at + buckets, deviations, at, left);
        counts[row] = left;
    }

    private void growRows() {
        int capacity = counts.length * 2;
        sums = Arrays.copyOf(sums, capacity * slots);
        deviations = Arrays.copyOf(deviations, capacity * slots);
        counts = Arrays.copyOf(counts, capacity);
    }
}
