package org.fedflink.drift;

/**
 * The settings of {@link PageHinkley}, with River's names and defaults but for {@code mode}. Build
 * with {@link #builder()} or take {@link #defaults()}; the canonical constructor validates too,
 * throwing {@link IllegalArgumentException} with a one-line message naming the setting.
 *
 * <p>MOA's {@code PageHinkleyDM} has the same four numbers as defaults ({@code -n minNumInstances
 * 30}, {@code -d delta 0.005}, {@code -l lambda 50}, {@code -a alpha 1 - 0.0001}) and watches rises
 * only; what differs is its test (see {@link PageHinkley}).
 *
 * @param minInstances no change is reported before this many observations since the start or the
 *     last detection; {@code >= 1}, default {@value #DEFAULT_MIN_INSTANCES} (River
 *     {@code min_instances}; MOA {@code minNumInstances})
 * @param delta the magnitude of change tolerated: subtracted from every deviation from the mean
 *     (added, for falls), so that a stationary stream drifts away from the threshold; finite and
 *     {@code >= 0}, default {@value #DEFAULT_DELTA} (River and MOA {@code delta}), in the unit of the
 *     observations
 * @param threshold lambda: a change is reported when the cumulative deviation exceeds its running
 *     extreme by more than this; finite and {@code > 0}, default {@value #DEFAULT_THRESHOLD} (River
 *     {@code threshold}; MOA {@code lambda}), in the unit of the observations times observations.
 *     Larger: fewer false alarms, later detections.
 * @param alpha the forgetting factor of the cumulative sums, in {@code (0, 1]}, default
 *     {@code 1 - 0.0001} (River and MOA {@code alpha}); 1 is Page's test without forgetting
 * @param mode which changes are tested: default {@link Mode#UP}, a rising loss or error rate.
 *     River's default is {@link Mode#BOTH}; MOA tests rises only.
 */
public record PageHinkleyConfig(int minInstances, double delta, double threshold, double alpha, Mode mode)
        implements DetectorConfig {

    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_MIN_INSTANCES = 30;
    public static final double DEFAULT_DELTA = 0.005;
    public static final double DEFAULT_THRESHOLD = 50;
    public static final double DEFAULT_ALPHA = 1 - 0.0001;
    public static final Mode DEFAULT_MODE = Mode.UP;

    /** @throws IllegalArgumentException naming the first setting out of range */
    public PageHinkleyConfig {
        Checks.atLeast("minInstances", minInstances, 1);
        Checks.require("delta", delta, delta >= 0 && Double.isFinite(delta), "finite and >= 0");
        Checks.require("threshold", threshold, threshold > 0 && Double.isFinite(threshold), "finite and > 0");
        Checks.require("alpha", alpha, alpha > 0 && alpha <= 1, "in (0, 1]");
        Checks.required("mode", mode, " (up, down or both)");
    }

    /** Every setting at its default. */
    public static PageHinkleyConfig defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to derive modified ones. */
    public Builder toBuilder() {
        return new Builder()
                .minInstances(minInstances)
                .delta(delta)
                .threshold(threshold)
                .alpha(alpha)
                .mode(mode);
    }

    @Override
    public PageHinkley create() {
        return new PageHinkley(this);
    }

    @Override
    public String name() {
        return PageHinkley.NAME;
    }

    /** Collects settings, each at its default until set; {@link #build} validates them. */
    public static final class Builder {
        private int minInstances = DEFAULT_MIN_INSTANCES;
        private double delta = DEFAULT_DELTA;
        private double threshold = DEFAULT_THRESHOLD;
        private double alpha = DEFAULT_ALPHA;
        private Mode mode = DEFAULT_MODE;

        private Builder() {}

        public Builder minInstances(int minInstances) {
            this.minInstances = minInstances;
            return this;
        }

        public Builder delta(double delta) {
            this.delta = delta;
            return this;
        }

        public Builder threshold(double threshold) {
            this.threshold = threshold;
            return this;
        }

        public Builder alpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        public Builder mode(Mode mode) {
            this.mode = mode;
            return this;
        }

        /** @throws IllegalArgumentException naming the first setting out of range */
        public PageHinkleyConfig build() {
            return new PageHinkleyConfig(minInstances, delta, threshold, alpha, mode);
        }
    }
}
