package org.fedflink.runner;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fedflink.eval.HoldoutColumns;

/**
 * The console lines of a {@link RunSummary} for a person: counts and timing, then per model (or
 * task) its version, what the strategy left out, privacy spent, drifts, figures, named holdouts,
 * time to accuracy, per-source fairness and every baseline's figures. Reads the summary's JSON only,
 * so the text never says anything {@code summary.json} does not.
 */
final class SummaryText {

    /**
     * The figures a model's or a baseline's line shows (a summary field and its label), each when the
     * summary has a number for it. A baseline kind with figures of its own adds them here.
     */
    private static final List<Map.Entry<String, String>> FIGURES = List.of(
            Map.entry("holdoutAccuracy", "holdout accuracy"),
            Map.entry("holdoutLogLoss", "log loss"),
            Map.entry("holdoutAuc", "AUC"),
            Map.entry("holdoutRmse", "holdout RMSE"),
            Map.entry("holdoutMae", "MAE"),
            // the local-only baseline's spread over its sources' models
            Map.entry("minHoldoutAccuracy", "worst source"),
            Map.entry("worstDecileHoldoutAccuracy", "worst 10% of sources"),
            Map.entry("maxHoldoutRmse", "worst source RMSE"));

    private SummaryText() {}

    /** A few lines for a person. */
    static String describe(JsonNode root) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "job %s %s in %.1f s (%s mode)%n", root.path("job").asText(),
                root.path("status").asText(), root.path("wallSeconds").asDouble(), root.path("mode").asText()));
        s.append(String.format(Locale.ROOT, "  examples %d read, %d invalid (dead letters), %d sources, %.0f examples/s%n",
                root.path("examples").asLong(), root.path("invalid").asLong(), root.path("sources").asLong(),
                root.path("examplesPerSecond").asDouble()));
        if (root.has("tasks")) {
            root.path("tasks").fields().forEachRemaining(task -> {
                s.append("  task ").append(task.getKey()).append(" (").append(task.getValue().path("model").asText())
                        .append("):\n");
                describeModel(task.getValue(), "    ", s);
            });
        } else {
            describeModel(root, "  ", s);
        }
        if (root.has("failure")) {
            s.append("  failure: ").append(root.path("failure").asText()).append('\n');
        }
        s.append("  outputs in ").append(root.path("outDir").asText());
        return s.toString();
    }

    private static void describeModel(JsonNode part, String indent, StringBuilder s) {
        s.append(String.format(Locale.ROOT, "%sglobal model v%d after %d rounds, %d samples folded in%n", indent,
                part.path("globalVersion").asLong(), part.path("rounds").asLong(), part.path("samplesInModel").asLong()));
        if (part.path("roundsSkipped").asLong() > 0 || part.path("updatesRejected").asLong() > 0
                || part.path("updatesTooStale").asLong() > 0) {
            s.append(String.format(Locale.ROOT, "%s%d rounds skipped, %d updates rejected (not finite), %d too stale%n",
                    indent, part.path("roundsSkipped").asLong(), part.path("updatesRejected").asLong(),
                    part.path("updatesTooStale").asLong()));
        }
        if (part.has("dpDelta")) {
            s.append(String.format(Locale.ROOT, "%sdifferential privacy: epsilon %s at delta %s%n", indent,
                    part.path("epsilon").isNull() ? "unbounded (no noise)" : fmt(part.get("epsilon")),
                    part.path("dpDelta").asText()));
        }
        JsonNode drifts = part.path("drifts");
        if (drifts.path("global").asLong() > 0 || drifts.path("sources").asLong() > 0) {
            s.append(String.format(Locale.ROOT, "%sconcept drift detected %d times by the server, %d times by sources%n",
                    indent, drifts.path("global").asLong(), drifts.path("sources").asLong()));
        }
        JsonNode m = part.path("metrics");
        boolean regression = isNumber(m.get("holdoutRmse")) || isNumber(m.get("prequentialLoss"))
                && !isNumber(m.get("prequentialAccuracy"));
        s.append(indent).append(figures(m, false)).append("; ")
                .append(regression ? "prequential loss " + fmt(m.get("prequentialLoss"))
                        : "prequential accuracy " + fmt(m.get("prequentialAccuracy")))
                .append('\n');
        namedHoldouts(m.path("holdouts"), indent, s);
        timeToAccuracy(part.path("timeToAccuracy"), indent, s);
        if (m.has("worstDecilePrequentialAccuracy")) {
            s.append(String.format(Locale.ROOT, "%sper source: mean prequential accuracy %s, worst 10%% of sources %s%n",
                    indent, fmt(m.get("sourceMeanPrequentialAccuracy")), fmt(m.get("worstDecilePrequentialAccuracy"))));
        }
        part.path("baselines").fields().forEachRemaining(b -> {
            // the local baseline's figures are means over the sources' own models
            String over = b.getValue().has("sources")
                    ? " (mean of " + b.getValue().path("sources").asLong() + " sources' own models)" : "";
            s.append(indent).append(b.getKey()).append(" baseline").append(over).append(": ")
                    .append(figures(b.getValue(), false)).append('\n');
            namedHoldouts(b.getValue().path("holdouts"), indent + "  ", s);
            timeToAccuracy(b.getValue().path("timeToAccuracy"), indent + "  ", s);
        });
    }

    /**
     * "holdout accuracy 0.9185, log loss 0.2329, AUC 0.9712": the {@link #FIGURES} {@code node} has
     * numbers for. A named holdout's node ({@code named}) has them under short names ({@code accuracy}
     * for {@code holdoutAccuracy}), and its line names the holdout already.
     */
    private static String figures(JsonNode node, boolean named) {
        List<String> shown = new ArrayList<>();
        for (Map.Entry<String, String> figure : FIGURES) {
            if (named && !figure.getKey().startsWith("holdout")) {
                continue; // a spread over sources: the named holdouts' entries hold means only
            }
            JsonNode value = node.get(named ? HoldoutColumns.figureOf(figure.getKey()) : figure.getKey());
            if (isNumber(value)) {
                shown.add((named ? figure.getValue().replace("holdout ", "") : figure.getValue()) + " " + fmt(value));
            }
        }
        return shown.isEmpty() ? "holdout not scored" : String.join(", ", shown);
    }

    private static void namedHoldouts(JsonNode holdouts, String indent, StringBuilder s) {
        holdouts.fields().forEachRemaining(h -> s.append(indent).append("holdout '").append(h.getKey()).append("': ")
                .append(figures(h.getValue(), true)).append('\n'));
    }

    /**
     * "95 % of the final holdout accuracy after 12,000 examples (3.1 s), 99 % after 40,000 examples
     * (7.9 s)"; nothing when no share was reached (no accuracy: regression, or no holdout).
     */
    private static void timeToAccuracy(JsonNode tta, String indent, StringBuilder s) {
        List<String> shares = new ArrayList<>();
        boolean any = false;
        for (var it = tta.fields(); it.hasNext(); ) {
            var share = it.next();
            JsonNode r = share.getValue();
            any |= !r.isNull();
            shares.add(share.getKey() + " %" + (r.isNull() ? " never reached"
                    : String.format(Locale.ROOT, " after %,d examples", r.path("examples").asLong())
                    + (isNumber(r.get("seconds")) ? String.format(Locale.ROOT, " (%.1f s)", r.get("seconds").asDouble())
                            : "")));
        }
        if (any) {
            s.append(indent).append(shares.get(0).replaceFirst(" %", " % of the final holdout accuracy"));
            shares.subList(1, shares.size()).forEach(x -> s.append(", ").append(x));
            s.append('\n');
        }
    }

    private static boolean isNumber(JsonNode n) {
        return n != null && n.isNumber();
    }

    private static String fmt(JsonNode n) {
        return n == null || n.isNull() ? "n/a" : String.format(Locale.ROOT, "%.4f", n.asDouble());
    }
}
