package org.fedflink.quality;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The quality suite's results as a Markdown table (what {@code QUALITY.md} and the console show). */
final class QualityTable {

    private QualityTable() {}

    /** Where the figures were made: cores, memory, OS and Java, and the day. */
    static String machine() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.availableProcessors() + " cores, " + (runtime.maxMemory() >> 20) + " MiB heap, "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", Java "
                + System.getProperty("java.version") + ", " + java.time.LocalDate.now();
    }

    /**
     * One line per dataset: the headline figure (holdout accuracy; RMSE for regression) of the
     * federated model, the centralized and local-only baselines and the reference, the second figure
     * of the task (AUC for binary, macro-F1 for multiclass), and for drift streams the recovery and
     * the lowest window.
     */
    static String markdown(List<QualityRow> rows, String command, List<String> overrides) {
        StringBuilder s = new StringBuilder();
        s.append("# Quality\n\n");
        s.append("`").append(command).append("`: every dataset of `quality/datasets/` with the project's defaults")
                .append(overrides.isEmpty() ? "" : " **except " + String.join(", ", overrides)
                        + "** (these figures are not the defaults')")
                .append(" (see `docs/quality.md`). Holdout accuracy (RMSE for regression) of the federated model,")
                .append(" the centralized baseline, the local-only baseline (mean over the sources' own models;")
                .append(" worst source in brackets) and a reference learner that is not the federated path.\n\n");
        s.append("Machine: ").append(machine()).append(".\n\n");
        s.append("| dataset | task | sources | examples | federated | centralized | local-only | reference |")
                .append(" second figure (fed / cen / loc / ref) | largest drop | recovery (fed / cen / ref) |")
                .append(" min window (fed / cen / ref) |\n");
        s.append("|---|---|---:|---:|---:|---:|---:|---:|---|---:|---|---|\n");
        for (QualityRow r : rows) {
            if (!r.status().equals("FINISHED")) {
                s.append("| ").append(r.dataset()).append(" | ").append(r.task()).append(" | | | ")
                        .append(r.status().replace('|', '/')).append(" | | | | | | | |\n");
                continue;
            }
            String head = r.task().equals("regression") ? "holdoutRmse" : "holdoutAccuracy";
            String second = switch (r.task()) {
                case "binary" -> "holdoutAuc";
                case "multiclass" -> "holdoutMacroF1";
                default -> "holdoutLogLoss";
            };
            Map<String, Double> ref = r.reference() == null ? Map.of() : r.reference().figures();
            s.append("| ").append(r.dataset())
                    .append(" | ").append(r.task())
                    .append(" | ").append(r.sources())
                    .append(" | ").append(String.format(Locale.ROOT, "%,d", r.examples()))
                    .append(" | ").append(fig(r.federated().get(head)))
                    .append(" | ").append(fig(r.centralized().get(head)))
                    .append(" | ").append(fig(r.localOnly().get(head)))
                    .append(r.localOnly().containsKey("minSourceAccuracy")
                            ? " (" + fig(r.localOnly().get("minSourceAccuracy")) + ")" : "")
                    .append(" | ").append(fig(ref.get(head)))
                    .append(" | ").append(fig(r.federated().get(second))).append(" / ")
                    .append(fig(r.centralized().get(second))).append(" / ").append(fig(r.localOnly().get(second)))
                    .append(" / ").append(fig(ref.get(second)))
                    .append(" | ").append(fig(r.federated().get("largestDrop")))
                    .append(" | ").append(count(r.federated().get("recoveryExamples"))).append(" / ")
                    .append(count(r.centralized().get("recoveryExamples"))).append(" / ")
                    .append(count(ref.get("recoveryExamples")))
                    .append(" | ").append(fig(r.federated().get("minWindowAccuracy"))).append(" / ")
                    .append(fig(r.centralized().get("minWindowAccuracy"))).append(" / ")
                    .append(fig(ref.get("minWindowAccuracy")))
                    .append(" |\n");
        }
        s.append('\n');
        for (QualityRow r : rows) {
            if (r.reference() != null) {
                s.append("- ").append(r.dataset()).append(": reference ").append(r.reference().learner()).append('\n');
            }
        }
        return s.toString();
    }

    private static String fig(Double value) {
        return value == null || !Double.isFinite(value) ? "-" : String.format(Locale.ROOT, "%.4f", value);
    }

    private static String count(Double value) {
        return value == null || !Double.isFinite(value) ? "-" : String.format(Locale.ROOT, "%,.0f", value);
    }
}
