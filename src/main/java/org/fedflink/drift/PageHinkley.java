package org.fedflink.drift;

import org.fedflink.model.HeapBytes;

/**
 * The Page-Hinkley test (E. S. Page, "Continuous Inspection Schemes", Biometrika 41, 1954), a
 * sequential test for a change in the mean of a stream, in the form River's {@code PageHinkley}
 * (0.26) computes. With {@code mean_t} the mean of the observations since the start or the last
 * detection:
 *
 * <pre>
 *   up_t   = alpha * up_{t-1}   + (x_t - mean_t) - delta    a rise when up_t - min(up)     &gt; threshold
 *   down_t = alpha * down_{t-1} + (x_t - mean_t) + delta    a fall when max(down) - down_t &gt; threshold
 * </pre>
 *
 * the minimum and maximum running over the same observations, tested from the
 * {@code minInstances}-th on, for the directions {@link PageHinkleyConfig#mode()} names. After a
 * detection the test starts afresh at the next observation (mean, sums and extremes), as River and
 * MOA do.
 *
 * <h2>Against River and MOA</h2>
 *
 * <ul>
 *   <li>River: the same test, defaults and restart; River's default mode is {@code both}, ours
 *       {@code up}. River updates the mean as {@code mean += (1/n)(x - mean)}, this class as
 *       {@code mean += (x - mean)/n} (MOA's, one rounding fewer); PageHinkleyTest checks the detection
 *       indices against River's rule all the same.
 *   <li>MOA's {@code PageHinkleyDM} watches rises only and compares the cumulative sum itself with
 *       lambda, without subtracting its running minimum; it also tests from the
 *       {@code minNumInstances - 1}-th observation. Since the minimum is at most 0, this form's
 *       first detection comes no later than MOA's (past that one observation), and at the same
 *       observation when the sum never falls below 0 (so PageHinkleyTest matches MOA's indices on
 *       noiseless steps with {@code delta = 0}).
 *   <li>The price of the earlier detection: with the defaults, mode up, a 0/1 error rate stepping
 *       from 0.2 to 0.8 is reported 76 observations after the step (MOA: 139), but 100,000
 *       stationary Bernoulli(0.3) draws raise 4 false alarms (MOA: none). Page-Hinkley has no
 *       false-alarm guarantee; raise {@code threshold} where alarms cost more than delay.
 * </ul>
 *
 * <h2>State</h2>
 *
 * {@link #toState()} is {@code [version 1, kind 2, minInstances, delta, threshold, alpha, mode
 * code, observations, statistic, n since the restart, mean, up, min(up), down, max(down), detected
 * at the last observation (1 or 0), n since min(up), their sum]}; a state without the last two
 * (written before they were kept) is read with none since the minimum.
 *
 * <p>Not thread-safe.
 */
public final class PageHinkley implements DriftDetector {

    /** {@link #name()}: the detector's name in configuration. */
    public static final String NAME = "page-hinkley";

    private final PageHinkleyConfig config;

    private long observations;
    private double statistic;
    /** Since the start or the last detection. */
    private long count;
    private double mean;
    private double sumUp;
    private double minUp;
    private double sumDown;
    private double maxDown;
    /** Observations since {@link #sumUp} was last at its minimum, and their sum. */
    private long sinceMinUp;
    private double sumSinceMinUp;
    /** The last observation was a detection: the next one starts the test afresh. */
    private boolean detected;

    /** A detector with no observations; as {@link PageHinkleyConfig#create()}. */
    public PageHinkley(PageHinkleyConfig config) {
        this.config = Checks.required("config", config, "");
        reset();
    }

    @Override
    public PageHinkleyConfig config() {
        return config;
    }

    @Override
    public boolean update(double value) {
        Checks.observation(value);
        observations++;
        if (detected) {
            restart();
        }
        count++;
        mean += (value - mean) / count;
        double deviation = value - mean;
        sumUp = config.alpha() * sumUp + deviation - config.delta();
        sumDown = config.alpha() * sumDown + deviation + config.delta();
        if (sumUp <= minUp) {
            minUp = sumUp;
            sinceMinUp = 0;
            sumSinceMinUp = 0;
        } else {
            sinceMinUp++;
            sumSinceMinUp += value;
        }
        maxDown = Math.max(maxDown, sumDown);
        if (count < config.minInstances()) {
            return false;
        }
        double up = sumUp - minUp;
        double down = maxDown - sumDown;
        boolean rose = config.mode() != Mode.DOWN && up > config.threshold();
        boolean fell = config.mode() != Mode.UP && down > config.threshold();
        detected = rose || fell;
        if (detected) {
            statistic = rose && fell ? Math.max(up, down) : rose ? up : down;
        }
        return detected;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here the cumulative deviation from its running extreme that exceeded the threshold
     * ({@code up - min(up)} for a rise, {@code max(down) - down} for a fall).
     */
    @Override
    public double statistic() {
        return statistic;
    }

    /**
     * {@inheritDoc} Here the mean of those after the cumulative sum's minimum, or of every
     * observation since the restart while the sum is at its minimum.
     */
    @Override
    public double recentMean() {
        if (count == 0) {
            return Double.NaN;
        }
        return sinceMinUp == 0 ? mean : sumSinceMinUp / sinceMinUp;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public long observations() {
        return observations;
    }

    @Override
    public void reset() {
        observations = 0;
        statistic = Double.NaN;
        restart();
    }

    @Override
    public long heapBytes() {
        // the fields: a reference, three longs, seven doubles and a boolean
        return HeapBytes.object(4 + 3 * 8 + 7 * 8 + 1);
    }

    @Override
    public double[] toState() {
        return DetectorState.write(DetectorState.PAGE_HINKLEY, 18)
                .add(config.minInstances())
                .add(config.delta())
                .add(config.threshold())
                .add(config.alpha())
                .add(config.mode().code())
                .add(observations)
                .add(statistic)
                .add(count)
                .add(mean)
                .add(sumUp)
                .add(minUp)
                .add(sumDown)
                .add(maxDown)
                .add(detected)
                .add(sinceMinUp)
                .add(sumSinceMinUp)
                .toArray();
    }

    /**
     * The detector whose {@link #toState()} this is.
     *
     * @throws IllegalArgumentException if the array is not a Page-Hinkley state this build reads
     */
    public static PageHinkley fromState(double[] state) {
        return fromState(state, null);
    }

    /** The same, holding {@code shared} as its configuration when that equals the state's (null: none). */
    static PageHinkley fromState(double[] state, PageHinkleyConfig shared) {
        DetectorState.Reader in = DetectorState.read(state, DetectorState.PAGE_HINKLEY);
        PageHinkleyConfig config = new PageHinkleyConfig(
                (int) in.nextCount("minInstances", 1, Integer.MAX_VALUE),
                in.next(),
                in.next(),
                in.next(),
                Mode.fromCode((int) in.nextCount("mode", 0, Integer.MAX_VALUE)));
        PageHinkley ph = new PageHinkley(config.equals(shared) ? shared : config);
        ph.observations = in.nextCount("observation count", 0, 1L << 53);
        ph.statistic = in.next();
        ph.count = in.nextCount("count since the last detection", 0, ph.observations);
        ph.mean = in.next();
        ph.sumUp = in.next();
        ph.minUp = in.next();
        ph.sumDown = in.next();
        ph.maxDown = in.next();
        ph.detected = in.nextFlag("detection flag");
        if (in.hasNext()) {
            ph.sinceMinUp = in.nextCount("count since the minimum", 0, ph.count);
            ph.sumSinceMinUp = in.next();
        }
        in.end();
        return ph;
    }

    @Override
    public String toString() {
        return "PageHinkley[minInstances=" + config.minInstances() + ", delta=" + config.delta() + ", threshold="
                + config.threshold() + ", alpha=" + config.alpha() + ", mode=" + config.mode() + "; observations="
                + observations + "]";
    }

    private void restart() {
        count = 0;
        mean = 0;
        sumUp = 0;
        sumDown = 0;
        minUp = Double.POSITIVE_INFINITY;
        maxDown = Double.NEGATIVE_INFINITY;
        sinceMinUp = 0;
        sumSinceMinUp = 0;
        detected = false;
    }
}
