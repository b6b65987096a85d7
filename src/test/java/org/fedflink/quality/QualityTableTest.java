package org.fedflink.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The table's heading says which figures are the defaults' and which are a candidate's. */
class QualityTableTest {

    @Test
    void markdown_withoutOverrides_saysDefaultsOnly() {
        String table = QualityTable.markdown(List.of(), "bin/fedflink quality --quick", List.of());

        assertThat(table).contains("`bin/fedflink quality --quick`: every dataset of `quality/datasets/` with the"
                + " project's defaults (see").doesNotContain("except");
    }

    @Test
    void markdown_withOverrides_namesThemAndSaysTheseAreNotTheDefaults() {
        String table = QualityTable.markdown(List.of(),
                "bin/fedflink quality --set optimizer.type=adagrad --set optimizer.learningRate=0.1",
                List.of("optimizer.type=adagrad", "optimizer.learningRate=0.1"));

        assertThat(table).contains("with the project's defaults **except optimizer.type=adagrad,"
                + " optimizer.learningRate=0.1** (these figures are not the defaults')");
    }
}
