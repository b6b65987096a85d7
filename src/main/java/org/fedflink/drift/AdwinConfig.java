package org.fedflink.drift;

/**
 * The settings of {@link Adwin}, with River's names and River's and MOA's defaults (the two agree).
 * Build with {@link #builder()} or take {@link #defaults()}; the canonical constructor validates
 * too, throwing {@link IllegalArgumentException} with a one-line message naming the setting.
 *
 * @param delta the confidence of the cut test: a cut is made when the sub-window means differ by
 *     more than the bound that holds with probability {@code 1 - delta} under no change; in
 *     {@code (0, 1)}, default {@value #DEFAULT_DELTA} (River {@code delta}; MOA
 *     {@code ADWINChangeDetector -a deltaAdwin}, {@code ADWIN.mdbldelta})
 * @param clock the window is checked for cuts at every {@code clock}-th observation; {@code >= 1},
 *     default {@value #DEFAULT_CLOCK} (River {@code clock}; MOA {@code ADWIN.mintClock}). 1 checks
 *     at every observation: earliest detection, {@code clock} times the work.
 * @param maxBuckets M of the exponential histogram: buckets of each size kept before the oldest
 *     two merge; {@code >= 1}, default {@value #DEFAULT_MAX_BUCKETS} (River {@code max_buckets};
 *     MOA {@code ADWIN.MAXBUCKETS}, a constant there). The window costs {@code O(M log(W/M))}
 *     memory and the cuts it can test lie at bucket boundaries only.
 * @param minWindowLength each sub-window of a cut must hold more than {@code minWindowLength + 1}
 *     observations, and the bound counts {@code minWindowLength - 1} fewer in each; {@code >= 1},
 *     default {@value #DEFAULT_MIN_WINDOW_LENGTH} (River {@code min_window_length}; MOA
 *     {@code ADWIN.mintMinWinLength}). This is MOA's rule; River's ADWIN asks for at least
 *     {@code min_window_length} in each.
 * @param gracePeriod no cut is tested while the window holds {@code gracePeriod} observations or
 *     fewer; {@code >= 0}, default {@value #DEFAULT_GRACE_PERIOD} (River {@code grace_period}; MOA
 *     {@code ADWIN.mintMinimLongitudWindow}, a constant there)
 * @param mode which changes {@link Adwin#update} reports: the window shrinks at every cut either
 *     way, as ADWIN adapts to any change; default {@link Mode#BOTH}, what River's {@code ADWIN} and
 *     MOA's {@code ADWIN.setInput} report. {@link Mode#UP} is MOA's {@code ADWINChangeDetector},
 *     which reports a cut only when it raised the window's mean.
 */
public record AdwinConfig(double delta, int clock, int maxBuckets, int minWindowLength, int gracePeriod, Mode mode)
        implements DetectorConfig {

    private static final long serialVersionUID = 1L;

    public static final double DEFAULT_DELTA = 0.002;
    public static final int DEFAULT_CLOCK = 32;
    public static final int DEFAULT_MAX_BUCKETS = 5;
    public static final int DEFAULT_MIN_WINDOW_LENGTH = 5;
    public static final int DEFAULT_GRACE_PERIOD = 10;
    public static final Mode DEFAULT_MODE = Mode.BOTH;

    /** @throws IllegalArgumentException naming the first setting out of range */
    public AdwinConfig {
        Checks.require("delta", delta, delta > 0 && delta < 1, "in (0, 1)");
        Checks.atLeast("clock", clock, 1);
        Checks.atLeast("maxBuckets", maxBuckets, 1);
        Checks.atLeast("minWindowLength", minWindowLength, 1);
        Checks.atLeast("gracePeriod", gracePeriod, 0);
        Checks.required("mode", mode, " (up, down or both)");
    }

    /** Every setting at its default. */
    public static AdwinConfig defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to derive modified ones. */
    public Builder toBuilder() {
        return new Builder()
                .delta(delta)
                .clock(clock)
                .maxBuckets(maxBuckets)
                .minWindowLength(minWindowLength)
                .gracePeriod(gracePeriod)
                .mode(mode);
    }

    @Override
    public Adwin create() {
        return new Adwin(this);
    }

    @Override
    public String name() {
        return Adwin.NAME;
    }

    /** Collects settings, each at its default until set; {@link #build} validates them. */
    public static final class Builder {
        private double delta = DEFAULT_DELTA;
        private int clock = DEFAULT_CLOCK;
        private int maxBuckets = DEFAULT_MAX_BUCKETS;
        private int minWindowLength = DEFAULT_MIN_WINDOW_LENGTH;
        private int gracePeriod = DEFAULT_GRACE_PERIOD;
        private Mode mode = DEFAULT_MODE;

        private Builder() {}

        public Builder delta(double delta) {
            this.delta = delta;
            return this;
        }

        public Builder clock(int clock) {
            this.clock = clock;
            return this;
        }

        public Builder maxBuckets(int maxBuckets) {
            this.maxBuckets = maxBuckets;
            return this;
        }

        public Builder minWindowLength(int minWindowLength) {
            this.minWindowLength = minWindowLength;
            return this;
        }

        public Builder gracePeriod(int gracePeriod) {
            this.gracePeriod = gracePeriod;
            return this;
        }

        public Builder mode(Mode mode) {
            this.mode = mode;
            return this;
        }

        /** @throws IllegalArgumentException naming the first setting out of range */
        public AdwinConfig build() {
            return new AdwinConfig(delta, clock, maxBuckets, minWindowLength, gracePeriod, mode);
        }
    }
}
