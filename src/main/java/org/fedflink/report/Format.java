package org.fedflink.report;

import java.util.Locale;

/**
 * How the report writes numbers and labels, in one place so every section and the headline show a
 * figure alike (four decimals, thousands separators, durations a person reads at a glance).
 */
final class Format {

    private Format() {}

    static String decimal(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** "2.5 s", "3 min 07 s", "1 h 02 min". */
    static String duration(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }

    /** A title used inside a sentence ("Holdout loss" in "holdout loss chart omitted"). */
    static String lowerFirst(String title) {
        return Character.toLowerCase(title.charAt(0)) + title.substring(1);
    }
}
