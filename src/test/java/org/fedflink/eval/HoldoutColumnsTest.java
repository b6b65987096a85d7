package org.fedflink.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HoldoutColumnsTest {

    @Test
    void columns_everyFigureOfEachName_inSpecOrder() {
        assertThat(HoldoutColumns.columns(List.of("late", "early"))).containsExactly(
                "holdout.late.accuracy", "holdout.late.loss", "holdout.late.macroF1", "holdout.late.auc",
                "holdout.late.rmse", "holdout.late.mae",
                "holdout.early.accuracy", "holdout.early.loss", "holdout.early.macroF1", "holdout.early.auc",
                "holdout.early.rmse", "holdout.early.mae");
        assertThat(HoldoutColumns.columns(List.of())).isEmpty();
    }

    @Test
    void primaryColumn_isTheUnprefixedColumnOfTheOneHoldoutForm() {
        assertThat(HoldoutColumns.FIGURES.stream().map(HoldoutColumns::primaryColumn)).containsExactly(
                "holdoutAccuracy", "holdoutLoss", "holdoutMacroF1", "holdoutAuc", "holdoutRmse", "holdoutMae");
    }

    @Test
    void figureOf_isTheInverseOfPrimaryColumn() {
        assertThat(HoldoutColumns.FIGURES).allSatisfy(
                f -> assertThat(HoldoutColumns.figureOf(HoldoutColumns.primaryColumn(f))).isEqualTo(f));
        assertThat(HoldoutColumns.figureOf("holdoutLogLoss")).isEqualTo("logLoss");
        assertThatThrownBy(() -> HoldoutColumns.figureOf("prequentialAccuracy"))
                .hasMessage("'prequentialAccuracy' is not a holdout column");
    }

    @Test
    void cells_followTheFigures_blankWhereAFigureDoesNotApply() {
        Evaluator.Score softmax = new Evaluator.Score(100, 0.875, 0.3125, 0.5, Double.NaN, Double.NaN, Double.NaN);

        assertThat(HoldoutColumns.cells(softmax)).containsExactly("0.875000", "0.312500", "0.500000", "", "", "");
        assertThat(HoldoutColumns.cells(Evaluator.Score.NONE)).containsExactly("", "", "", "", "", "");
    }

    @Test
    void names_readBackFromAHeader_inHeaderOrder() {
        List<String> header = new java.util.ArrayList<>(List.of("version", "holdoutAccuracy", "holdoutLoss"));
        header.addAll(HoldoutColumns.columns(List.of("phase-2", "phase_1")));
        header.add("holdout.x.unknownFigure"); // not a holdout figure: not a name
        header.add("holdout..accuracy"); // no name

        assertThat(HoldoutColumns.names(header)).containsExactly("phase-2", "phase_1");
    }

    @Test
    void figure_unknownName_isRefused() {
        assertThatThrownBy(() -> HoldoutColumns.figure(Evaluator.Score.NONE, "f1"))
                .hasMessage("unknown holdout figure 'f1', allowed: [accuracy, loss, macroF1, auc, rmse, mae]");
    }
}
