package org.fedflink.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fedflink.artifact.RunFolder;

/**
 * One dataset's line of the quality suite: the federated model, the centralized and local-only
 * baselines and the reference, each with the same figures.
 *
 * @param status {@code FINISHED}, or why the dataset has no figures
 * @param federated the federated model's figures ({@code holdoutAccuracy}, {@code holdoutAuc} or
 *     {@code holdoutMacroF1}, {@code holdoutLogLoss}, {@code prequentialAccuracy}, drift figures,
 *     {@code largestDrop}: the largest fall of holdout accuracy from one scored version to the next)
 * @param seconds how long the job ran
 */
public record QualityRow(String dataset, String task, String description, String status, long sources, long examples,
        Map<String, Object> facts, Map<String, Double> federated, Map<String, Double> centralized,
        Map<String, Double> localOnly, ReferenceResult reference, double seconds, String runDir) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The figures every learner of a row may have, in order. */
    static final List<String> FIGURES = List.of("holdoutAccuracy", "holdoutAuc", "holdoutMacroF1", "holdoutLogLoss",
            "holdoutRmse", "prequentialAccuracy", "recoveryExamples", "minWindowAccuracy", "largestDrop",
            "minSourceAccuracy", "worstDecileAccuracy");

    static QualityRow failed(DatasetSpec dataset, String why) {
        return new QualityRow(dataset.dataset(), dataset.task(), dataset.description(), "FAILED: " + why, 0, 0,
                Map.of(), Map.of(), Map.of(), Map.of(), null, 0, null);
    }

    /** The figures of a finished run: its summary, its metrics and the reference's. */
    static QualityRow measured(DatasetSpec dataset, PreparedDataset prepared, JsonNode summary, Path runDir,
            ReferenceResult reference, double seconds) throws IOException {
        Map<String, Double> federated = figures(summary.path("metrics"));
        putIfFinite(federated, "largestDrop", largestDrop(runDir.resolve(RunFolder.METRICS)));
        JsonNode baselines = summary.path("baselines");
        Map<String, Double> centralized = figures(baselines.path("centralized"));
        Map<String, Double> local = figures(baselines.path("local"));
        putIfFinite(local, "minSourceAccuracy", number(baselines.path("local").get("minHoldoutAccuracy")));
        putIfFinite(local, "worstDecileAccuracy", number(baselines.path("local").get("worstDecileHoldoutAccuracy")));
        return new QualityRow(dataset.dataset(), dataset.task(), dataset.description(),
                summary.path("status").asText(), summary.path("sources").asLong(), summary.path("examples").asLong(),
                prepared.facts(), federated, centralized, local, reference, seconds, runDir.toString());
    }

    /** A model's (or baseline's) holdout and prequential figures from its part of {@code summary.json}. */
    private static Map<String, Double> figures(JsonNode node) {
        Map<String, Double> f = new LinkedHashMap<>();
        for (String key : List.of("holdoutAccuracy", "holdoutAuc", "holdoutMacroF1", "holdoutLogLoss", "holdoutRmse",
                "prequentialAccuracy")) {
            putIfFinite(f, key, number(node.get(key)));
        }
        JsonNode named = node.path("holdouts");
        named.fields().forEachRemaining(h -> {
            for (String figure : List.of("accuracy", "auc", "macroF1", "rmse")) {
                putIfFinite(f, "holdout." + h.getKey() + "." + figure, number(h.getValue().get(figure)));
            }
        });
        return f;
    }

    /**
     * The largest fall of the holdout accuracy from one scored version to the next in a
     * {@code metrics.csv}: a version that collapses shows here. NaN without two scored versions.
     */
    static double largestDrop(Path metricsCsv) throws IOException {
        if (!Files.exists(metricsCsv)) {
            return Double.NaN;
        }
        List<String> lines = Files.readAllLines(metricsCsv);
        if (lines.size() < 3) {
            return Double.NaN;
        }
        int column = List.of(lines.get(0).split(",")).indexOf("holdoutAccuracy");
        if (column < 0) {
            return Double.NaN;
        }
        double previous = Double.NaN;
        double drop = Double.NaN;
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            if (cells.length <= column || cells[column].isEmpty()) {
                continue;
            }
            double accuracy = Double.parseDouble(cells[column]);
            if (!Double.isNaN(previous)) {
                // a curve that never falls has a largest drop of 0
                drop = Math.max(Double.isNaN(drop) ? 0 : drop, previous - accuracy);
            }
            previous = accuracy;
        }
        return drop;
    }

    private static double number(JsonNode n) {
        return n != null && n.isNumber() ? n.asDouble() : Double.NaN;
    }

    private static void putIfFinite(Map<String, Double> figures, String key, double value) {
        if (Double.isFinite(value)) {
            figures.put(key, value);
        }
    }

    /** This row with the drift figures of the federated model's and the centralized baseline's predictions. */
    QualityRow withDrift(Map<String, Double> federatedDrift, Map<String, Double> centralizedDrift) {
        Map<String, Double> fed = new LinkedHashMap<>(federated);
        fed.putAll(federatedDrift);
        Map<String, Double> cen = new LinkedHashMap<>(centralized);
        cen.putAll(centralizedDrift);
        return new QualityRow(dataset, task, description, status, sources, examples, facts, fed, cen, localOnly,
                reference, seconds, runDir);
    }

    /** The row as {@code quality.json} has it. */
    ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("dataset", dataset);
        o.put("task", task);
        o.put("description", description);
        o.put("status", status);
        o.put("sources", sources);
        o.put("examples", examples);
        o.set("facts", JSON.valueToTree(facts));
        o.set("federated", JSON.valueToTree(federated));
        o.set("centralized", JSON.valueToTree(centralized));
        o.set("localOnly", JSON.valueToTree(localOnly));
        ObjectNode ref = o.putObject("reference");
        if (reference != null) {
            ref.put("learner", reference.learner());
            reference.figures().forEach((k, v) -> {
                if (v != null && Double.isFinite(v)) {
                    ref.put(k, v);
                }
            });
        }
        o.put("seconds", Math.round(seconds * 10) / 10.0);
        o.put("runDir", runDir);
        return o;
    }
}
