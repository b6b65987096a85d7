package org.fedflink.report;

import static org.fedflink.report.Format.count;
import static org.fedflink.report.Format.decimal;
import static org.fedflink.report.Format.duration;
import static org.fedflink.report.Format.lowerFirst;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.fedflink.report.ReportData.Stat;

/**
 * The key numbers of a {@code summary.json}: the run's headline (quality, counts, timing) and the
 * quality lines of one model, each federated figure with every baseline's beside it. Fields absent
 * from the summary (older or newer runs) leave their line out.
 */
final class SummaryStats {

    private SummaryStats() {}

    /** The run's key numbers: the quality lines, then examples, sources, versions and timing. */
    static List<Stat> headline(JsonNode s) {
        List<Stat> stats = new ArrayList<>(quality(s));
        JsonNode examples = s.get("examples");
        if (isNumber(examples)) {
            stats.add(new Stat("examples", count(examples.asLong())));
            JsonNode invalid = s.get("invalid");
            if (isNumber(invalid)) {
                long total = examples.asLong();
                stats.add(new Stat("invalid", count(invalid.asLong()) + (total > 0
                        ? String.format(Locale.ROOT, " (%.2f%%)", 100.0 * invalid.asLong() / total) : "")));
            }
        }
        if (isNumber(s.get("sources"))) {
            stats.add(new Stat("sources", count(s.get("sources").asLong())));
        }
        if (isNumber(s.get("globalVersion"))) {
            stats.add(new Stat("global version", count(s.get("globalVersion").asLong())
                    + (isNumber(s.get("rounds")) ? " (" + count(s.get("rounds").asLong()) + " rounds)" : "")));
        }
        if (isNumber(s.get("wallSeconds"))) {
            stats.add(new Stat("wall time", duration(s.get("wallSeconds").asDouble())));
        }
        if (isNumber(s.get("examplesPerSecond"))) {
            stats.add(new Stat("examples/s", String.format(Locale.ROOT, "%,.0f", s.get("examplesPerSecond").asDouble())));
        }
        return stats;
    }

    /**
     * Final quality metrics, each "federated (centralized c, local l)" with the figure of every baseline
     * that has it; then each named holdout's accuracy (RMSE for regression) and the time to 95 % and
     * 99 % of the final holdout accuracy, with the baselines' beside them alike.
     */
    static List<Stat> quality(JsonNode s) {
        JsonNode metrics = s.path("metrics");
        List<Map.Entry<String, JsonNode>> baselines = baselines(s);
        List<Stat> stats = new ArrayList<>();
        List<HoldoutMetric> metricList = new ArrayList<>(HoldoutMetric.ALL);
        metricList.add(new HoldoutMetric("prequentialAccuracy", "Prequential accuracy", "accuracy", false));
        for (HoldoutMetric m : metricList) {
            JsonNode fed = metrics.get(m.column());
            if (isNumber(fed)) {
                stats.add(new Stat(lowerFirst(m.title()),
                        decimal(fed.asDouble()) + besides(baselines, b -> decimalOrNull(b.get(m.column())))));
            }
        }
        // the local baseline's figures are means over the sources' own models: how far apart they are
        for (Map.Entry<String, JsonNode> b : baselines) {
            JsonNode worst = b.getValue().get("minHoldoutAccuracy");
            if (isNumber(worst)) {
                stats.add(new Stat(b.getKey() + " baseline over " + b.getValue().path("sources").asLong()
                        + " sources: worst source, worst 10 %", decimal(worst.asDouble()) + ", "
                        + decimalOrNull(b.getValue().get("worstDecileHoldoutAccuracy"))));
            }
        }
        metrics.path("holdouts").fields().forEachRemaining(h -> {
            for (String figure : List.of("accuracy", "rmse")) {
                JsonNode fed = h.getValue().get(figure);
                if (isNumber(fed)) {
                    stats.add(new Stat("holdout '" + h.getKey() + "' " + (figure.equals("rmse") ? "RMSE" : figure),
                            decimal(fed.asDouble()) + besides(baselines,
                                    b -> decimalOrNull(b.path("holdouts").path(h.getKey()).get(figure)))));
                    break;
                }
            }
        });
        // regression and runs without a holdout reach no share: no lines then
        boolean timed = reachedAny(s.path("timeToAccuracy"))
                || baselines.stream().anyMatch(b -> reachedAny(b.getValue().path("timeToAccuracy")));
        s.path("timeToAccuracy").fields().forEachRemaining(share -> {
            if (timed) {
                stats.add(new Stat("time to " + share.getKey() + "% of final accuracy",
                        reached(share.getValue()) + besides(baselines,
                                b -> reached(b.path("timeToAccuracy").path(share.getKey())))));
            }
        });
        return stats;
    }

    private static boolean reachedAny(JsonNode timeToAccuracy) {
        for (JsonNode share : timeToAccuracy) {
            if (share.isObject()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The baselines of a summary (or a task's part of it), in order: every entry of {@code baselines}
     * by its kind, or, in the summary of an older run, its one {@code baseline}.
     */
    private static List<Map.Entry<String, JsonNode>> baselines(JsonNode s) {
        List<Map.Entry<String, JsonNode>> list = new ArrayList<>();
        if (s.path("baselines").isObject()) {
            s.path("baselines").fields().forEachRemaining(list::add);
        } else if (s.path("baseline").isObject()) {
            list.add(Map.entry("baseline", s.path("baseline")));
        }
        return list;
    }

    /** " (centralized 0.9195, local 0.8712)": each baseline's value where it has one; empty when none has. */
    private static String besides(List<Map.Entry<String, JsonNode>> baselines, Function<JsonNode, String> value) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, JsonNode> b : baselines) {
            String v = value.apply(b.getValue());
            if (v != null) {
                parts.add(b.getKey() + " " + v);
            }
        }
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }

    private static String decimalOrNull(JsonNode n) {
        return isNumber(n) ? decimal(n.asDouble()) : null;
    }

    /** "12,000 examples, 3.1 s" of a time-to-accuracy entry; "not reached" for null; null when absent. */
    private static String reached(JsonNode r) {
        if (r == null || r.isMissingNode()) {
            return null;
        }
        if (!r.isObject()) {
            return "not reached";
        }
        return count(r.path("examples").asLong()) + " examples"
                + (isNumber(r.get("seconds")) ? ", " + duration(r.get("seconds").asDouble()) : "");
    }

    /** A finite number; anything else (absent, null, text, NaN) leaves its line out. */
    private static boolean isNumber(JsonNode n) {
        return n != null && n.isNumber() && Double.isFinite(n.asDouble());
    }
}
