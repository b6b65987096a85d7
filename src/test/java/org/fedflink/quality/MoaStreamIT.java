package org.fedflink.quality;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs MOA for real: resolves its classpath with Maven from {@code quality/moa/pom.xml} (from the
 * local repository, or the network the first time) and prepares {@code sea-abrupt} in quick mode,
 * twice. Tagged {@code moa}: {@code -DexcludedGroups=moa} skips it where Maven cannot resolve MOA.
 */
@Tag("moa")
class MoaStreamIT {

    @TempDir
    Path tmp;

    @Test
    void prepare_seaQuick_writesTheStreamHoldoutsAndMoasReference_identicallyTwice() throws Exception {
        var dataset = new YAMLMapper().readTree(Path.of("quality/datasets/sea-abrupt.yaml").toFile());
        DatasetSource source = DatasetSources.of(dataset, Path.of("")).orElseThrow();

        PreparedDataset first = source.prepare(tmp.resolve("a"), true);

        assertThat(first.files()).containsOnlyKeys("train", "holdout-f1", "holdout-f2", "holdout-f3", "referenceCurve");
        assertThat(Files.readAllLines(first.files().get("train"))).hasSize(6_000)
                .allMatch(line -> line.matches("\\{\"label\":[01],\"features\":\\[[-0-9.E]+,[-0-9.E]+,[-0-9.E]+]}"));
        assertThat(Files.readAllLines(first.files().get("holdout-f3"))).hasSize(1_000);
        assertThat(first.facts()).containsEntry("examples", 6_000).containsEntry("changes", List.of(2_000, 4_000))
                .containsEntry("labelNames", List.of("groupA", "groupB")).containsEntry("features", 3);
        ReferenceResult reference = first.reference();
        assertThat(reference.learner()).isEqualTo("MOA trees.HoeffdingAdaptiveTree");
        assertThat(reference.figures()).containsKeys("prequentialAccuracy", "recoveryExamples", "unrecoveredChanges",
                "minWindowAccuracy", "holdoutAccuracy", "holdout.f1.accuracy", "holdout.f2.accuracy");
        // SEA has 10 % label noise: a tree learns it to 80-90 %, a window dips after a change
        assertThat(reference.figures().get("prequentialAccuracy")).isBetween(0.75, 0.9);
        assertThat(reference.figures().get("minWindowAccuracy")).isLessThan(reference.figures().get("prequentialAccuracy"));
        assertThat(reference.figures().get("holdoutAccuracy")).isEqualTo(reference.figures().get("holdout.f3.accuracy"));
        assertThat(first.facts().get("otherReferences")).asList().hasSize(1);

        PreparedDataset second = source.prepare(tmp.resolve("b"), true);

        for (String file : List.of("train", "holdout-f1", "holdout-f2", "holdout-f3")) {
            assertThat(Files.readAllBytes(second.files().get(file))).as(file)
                    .isEqualTo(Files.readAllBytes(first.files().get(file)));
        }
        assertThat(second.reference()).isEqualTo(reference);
        assertThat(second.facts()).isEqualTo(first.facts());
        assertThat(source.prepare(tmp.resolve("a"), true)).isEqualTo(first); // reused
    }
}
