package org.fedflink.eval;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The holdout columns of {@code metrics.csv}, one owner for the writer (the model writer) and the
 * readers (run summary, report, progress line).
 *
 * <ul>
 *   <li>The <b>primary</b> holdout ({@code evaluation.holdoutPath}, the generator's holdout, or else
 *       the first of {@code evaluation.holdouts}) keeps the unprefixed columns {@code holdoutAccuracy},
 *       {@code holdoutLoss}, {@code holdoutMacroF1}, {@code holdoutAuc}, {@code holdoutRmse},
 *       {@code holdoutMae} ({@link #primaryColumn}).
 *   <li>Every named holdout of {@code evaluation.holdouts} adds, after all other columns and in the
 *       spec's order, {@code holdout.<name>.accuracy}, {@code .loss}, {@code .macroF1}, {@code .auc},
 *       {@code .rmse}, {@code .mae} ({@link #column}). A name is letters, digits, {@code _} and
 *       {@code -} (the job spec's rule), so it needs no CSV quoting and the dots are unambiguous.
 * </ul>
 *
 * A figure that does not apply to the model (accuracy for regression, AUC beyond two classes) and
 * every figure of a version that was not scored is a blank cell; numbers have six decimals.
 */
public final class HoldoutColumns {

    /** The figures of one holdout score, in column order. */
    public static final List<String> FIGURES = List.of("accuracy", "loss", "macroF1", "auc", "rmse", "mae");

    /** The prefix of a named holdout's columns. */
    public static final String PREFIX = "holdout.";

    private HoldoutColumns() {}

    /** The column of a named holdout's figure: {@code holdout.<name>.<figure>}. */
    public static String column(String holdout, String figure) {
        return PREFIX + holdout + "." + figure;
    }

    /** The unprefixed column of the primary holdout's figure: {@code holdoutAccuracy}, {@code holdoutMacroF1}, ... */
    public static String primaryColumn(String figure) {
        return "holdout" + Character.toUpperCase(figure.charAt(0)) + figure.substring(1);
    }

    /** The figure of an unprefixed column (or summary field): {@code holdoutLogLoss} -> {@code logLoss}. */
    public static String figureOf(String primaryColumn) {
        if (!primaryColumn.startsWith("holdout") || primaryColumn.length() == "holdout".length()) {
            throw new IllegalArgumentException("'" + primaryColumn + "' is not a holdout column");
        }
        String figure = primaryColumn.substring("holdout".length());
        return Character.toLowerCase(figure.charAt(0)) + figure.substring(1);
    }

    /** The columns of the named holdouts, in order: every figure of the first name, then of the second, ... */
    public static List<String> columns(List<String> names) {
        List<String> columns = new ArrayList<>(names.size() * FIGURES.size());
        for (String name : names) {
            for (String figure : FIGURES) {
                columns.add(column(name, figure));
            }
        }
        return columns;
    }

    /** The cells of one score, in {@link #FIGURES} order. */
    public static List<String> cells(Evaluator.Score score) {
        List<String> cells = new ArrayList<>(FIGURES.size());
        for (String figure : FIGURES) {
            cells.add(cell(figure(score, figure)));
        }
        return cells;
    }

    /** A figure of a score by its name in {@link #FIGURES}. */
    public static double figure(Evaluator.Score score, String figure) {
        return switch (figure) {
            case "accuracy" -> score.accuracy();
            case "loss" -> score.loss();
            case "macroF1" -> score.macroF1();
            case "auc" -> score.auc();
            case "rmse" -> score.rmse();
            case "mae" -> score.mae();
            default -> throw new IllegalArgumentException("unknown holdout figure '" + figure + "', allowed: " + FIGURES);
        };
    }

    /** A number as {@code metrics.csv} writes it: six decimals, blank when not finite. */
    public static String cell(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.6f", value) : "";
    }

    /**
     * The names of the named holdouts whose columns a {@code metrics.csv} header holds, in header
     * order. A column {@code holdout.<name>.<figure>} with an unknown figure is not one of them.
     */
    public static List<String> names(List<String> header) {
        Set<String> names = new LinkedHashSet<>();
        for (String column : header) {
            if (!column.startsWith(PREFIX)) {
                continue;
            }
            int dot = column.lastIndexOf('.');
            if (dot > PREFIX.length() && FIGURES.contains(column.substring(dot + 1))) {
                names.add(column.substring(PREFIX.length(), dot));
            }
        }
        return List.copyOf(names);
    }
}
