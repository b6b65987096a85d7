package org.fedflink.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MoaStreamTest {

    @TempDir
    Path tmp;

    private static final Map<String, String> HOLDOUTS = Map.of("end", MoaStream.STREAM);

    private static MoaStream sea() {
        Map<String, String> holdouts = new LinkedHashMap<>();
        holdouts.put("f1", "generators.SEAGenerator -f 1 -i 11");
        holdouts.put("f3", "generators.SEAGenerator -f 3 -i 13");
        return MoaStream.of(List.of("generators.SEAGenerator -f 1 -i 1", "generators.SEAGenerator -f 2 -i 2",
                        "generators.SEAGenerator -f 3 -i 3"), List.of(20_000L, 40_000L), 1, 60_000, holdouts, 5_000,
                List.of("trees.HoeffdingAdaptiveTree"), Path.of("quality/moa/pom.xml"));
    }

    @Test
    void stream_nestsConceptDriftStreams_withPositionsCountedByTheInnerStream() {
        assertThat(sea().stream(false)).isEqualTo("ConceptDriftStream -s (generators.SEAGenerator -f 1 -i 1)"
                + " -d (ConceptDriftStream -s (generators.SEAGenerator -f 2 -i 2) -d (generators.SEAGenerator -f 3 -i 3)"
                + " -p 20000 -w 1 -r 1) -p 20000 -w 1 -r 1");
    }

    @Test
    void quick_dividesLengthsPositionsAndWidthByTen() {
        MoaStream gradual = MoaStream.of(List.of("a", "b"), List.of(30_000L), 10_000, 60_000, HOLDOUTS, 5_000,
                List.of("l"), Path.of("pom.xml"));

        assertThat(gradual.stream(true)).isEqualTo("ConceptDriftStream -s (a) -d (b) -p 3000 -w 1000 -r 1");
        assertThat(gradual.instances(true)).isEqualTo(6_000);
        assertThat(gradual.changes(true)).containsExactly(3_000L);
        assertThat(sea().width(true)).isEqualTo(1);
        assertThat(sea().changes(false)).containsExactly(20_000L, 40_000L);
    }

    @Test
    void stream_ofOneConcept_isTheGeneratorItself() {
        MoaStream rbf = MoaStream.of(List.of("generators.RandomRBFGeneratorDrift -s 1.0E-4 -r 1 -i 1"), List.of(), 1,
                60_000, HOLDOUTS, 5_000, List.of("l"), Path.of("pom.xml"));

        assertThat(rbf.stream(false)).isEqualTo("generators.RandomRBFGeneratorDrift -s 1.0E-4 -r 1 -i 1");
    }

    @Test
    void of_invalidSettings_nameTheKey() {
        Path pom = Path.of("pom.xml");
        List<String> two = List.of("a", "b");
        assertThatThrownBy(() -> MoaStream.of(List.of(), List.of(), 1, 60_000, HOLDOUTS, 5_000, List.of("l"), pom))
                .hasMessage("prepare.concepts must list at least one MOA generator, got []");
        assertThatThrownBy(() -> MoaStream.of(two, List.of(), 1, 60_000, HOLDOUTS, 5_000, List.of("l"), pom))
                .hasMessage("drift.changes must have one position fewer than prepare.concepts (1), got []");
        assertThatThrownBy(() -> MoaStream.of(two, List.of(30_000L), 1, 61_000, HOLDOUTS, 5_000, List.of("l"), pom))
                .hasMessage("prepare.instances must be a positive multiple of 5000 (so the quick stream is whole"
                        + " windows), got 61000");
        assertThatThrownBy(() -> MoaStream.of(two, List.of(60_000L), 1, 60_000, HOLDOUTS, 5_000, List.of("l"), pom))
                .hasMessage("drift.changes must increase inside (0, 60000) in multiples of 10, got [60000]");
        assertThatThrownBy(() -> MoaStream.of(two, List.of(30_000L), 0, 60_000, HOLDOUTS, 5_000, List.of("l"), pom))
                .hasMessage("drift.width must be >= 1, got 0");
        assertThatThrownBy(() -> MoaStream.of(two, List.of(30_000L), 1, 60_000, Map.of("a b", "x"), 5_000, List.of("l"),
                pom)).hasMessage("prepare.holdouts: 'a b' is not a holdout name (1 to 64 letters, digits, _ or -)");
        assertThatThrownBy(() -> MoaStream.of(two, List.of(30_000L), 1, 60_000, HOLDOUTS, 5_001, List.of("l"), pom))
                .hasMessage("prepare.holdoutInstances must be a positive multiple of 5, got 5001");
        assertThatThrownBy(() -> MoaStream.of(two, List.of(30_000L), 1, 60_000, HOLDOUTS, 5_000, List.of(), pom))
                .hasMessage("prepare.learners must list at least one MOA learner, got []");
    }

    @Test
    void curve_readsMoasDump_percentAsFractions() throws Exception {
        String dump = """
                learning evaluation instances,evaluation time (cpu seconds),model cost (RAM-Hours),classified instances,classifications correct (percent),Kappa Statistic (percent)
                100.0,0.0793446,0.0,100.0,76.0,36.54151242728717
                200.0,0.09,0.0,200.0,79.5,40.0
                """;

        assertThat(MoaStream.curve(dump)).containsExactly(new DriftFigures.Point(100, 0.76), new DriftFigures.Point(200, 0.795));
        assertThatThrownBy(() -> MoaStream.curve("a,b\n1,2\n"))
                .hasMessage("MOA's CSV has no column 'learning evaluation instances'");
    }

    @Test
    void accuracy_readsEvaluateModelsResult() throws Exception {
        String printed = """
                Can not access instrumentation environment.
                learning evaluation instances,classified instances,classifications correct (percent),Kappa Statistic (percent)
                5000.0,5000.0,88.9,72.63173259378193
                """;

        assertThat(MoaStream.accuracy(printed)).isEqualTo(0.889);
        assertThatThrownBy(() -> MoaStream.accuracy("Stream written"))
                .hasMessage("MOA's EvaluateModel printed no 'classifications correct (percent)'");
    }

    @Test
    void prepare_withoutMoasPom_failsInOneLine() {
        MoaStream noPom = MoaStream.of(List.of("a"), List.of(), 1, 5_000, HOLDOUTS, 5, List.of("l"), tmp.resolve("pom.xml"));

        assertThatThrownBy(() -> noPom.prepare(tmp.resolve("d"), true))
                .hasMessage("MOA's pom " + tmp.resolve("pom.xml") + " does not exist (it is quality/moa/pom.xml of the"
                        + " repository)");
        assertThat(Files.exists(tmp.resolve("d").resolve(PreparedFolder.FILE))).isFalse();
    }
}
