package org.fedflink.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebianPackagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static List<JsonNode> rows(Path file) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            rows.add(JSON.readTree(line));
        }
        return rows;
    }

    private static List<JsonNode> both(PreparedDataset d) throws Exception {
        List<JsonNode> all = new ArrayList<>(rows(d.files().get("train")));
        all.addAll(rows(d.files().get("holdout")));
        return all;
    }

    @Test
    void prepare_sections_labelsTheLargestSectionsAndLeavesOthersOut() throws Exception {
        PreparedDataset d = DebianPackages.sections(2, List.of()).readingFile(DebianIndexTest.excerpt())
                .prepare(tmp.resolve("s"), false);

        // games (4 packages) first, then the largest of the one-package sections by name
        assertThat(d.facts().get("labelNames")).isEqualTo(List.of("games", "libdevel"));
        assertThat(Files.readAllLines(d.files().get("labels"))).containsExactly("games", "libdevel");
        List<JsonNode> all = both(d);
        assertThat(all).extracting(r -> r.get("label").asText()).containsOnly("games", "libdevel");
        assertThat(all).hasSize(5);
        assertThat(d.facts()).containsEntry("examples", 5).containsEntry("classes", 2).containsEntry("leftOut", 4)
                .containsEntry("indexPackages", 9).containsEntry("oddRecords", 1).containsEntry("repeatedRecords", 1);
        assertThat(d.facts().get("classShares")).isEqualTo(Map.of("games", 0.8, "libdevel", 0.2));
        assertThat(d.facts()).doesNotContainKey("indexDate"); // a file has no apt lists
        assertThat(d.reference()).isNull();
    }

    @Test
    void prepare_rows_sourceTextAndLabelInTheIndexOrder() throws Exception {
        PreparedDataset d = DebianPackages.sections(2, List.of()).readingFile(DebianIndexTest.excerpt())
                .prepare(tmp, false);

        JsonNode game = both(d).stream().filter(r -> r.get("text").asText().startsWith("0ad ")).findFirst().orElseThrow();
        assertThat(JSON.writeValueAsString(game)).isEqualTo("{\"source\":\"Debian Games Team"
                + " <pkg-games-devel@lists.alioth.debian.org>\",\"text\":\"0ad Real-time strategy game of ancient warfare"
                + " game strategy interface graphical interface x11 role program uitoolkit sdl uitoolkit wxwidgets use"
                + " gameplaying x11 application\",\"label\":\"games\"}");
        List<String> order = List.of("0ad", "0ad-data", "libfoo-dev", "gnome-game", "crlf-game");
        for (String file : List.of("train", "holdout")) {
            List<String> names = rows(d.files().get(file)).stream().map(r -> r.get("text").asText().split(" ")[0]).toList();
            assertThat(names).isSortedAccordingTo(java.util.Comparator.comparing(order::indexOf));
        }
    }

    @Test
    void prepare_split_followsTheHashOfTheName() throws Exception {
        PreparedDataset d = DebianPackages.binaryLibrary().readingFile(DebianIndexTest.excerpt()).prepare(tmp, false);

        for (JsonNode row : rows(d.files().get("holdout"))) {
            assertThat(Math.floorMod(DebianPackages.hash(row.get("text").asText().split(" ")[0]), 5)).isZero();
        }
        for (JsonNode row : rows(d.files().get("train"))) {
            assertThat(Math.floorMod(DebianPackages.hash(row.get("text").asText().split(" ")[0]), 5)).isNotZero();
        }
        assertThat(((Number) d.facts().get("trainExamples")).longValue()
                + ((Number) d.facts().get("holdoutExamples")).longValue()).isEqualTo(8);
    }

    @Test
    void hash_isStableAndSplitsAboutEightyTwenty() {
        assertThat(DebianPackages.hash("0ad")).isEqualTo(DebianPackages.hash(new String("0ad")));
        int held = 0;
        int quick = 0;
        for (int i = 0; i < 10_000; i++) {
            long h = DebianPackages.hash("package-" + i);
            held += Math.floorMod(h, 5) == 0 ? 1 : 0;
            quick += Math.floorMod(h >>> 32, DebianPackages.QUICK_ONE_IN) == 0 ? 1 : 0;
        }
        assertThat(held).isBetween(1_850, 2_150);
        assertThat(quick).isBetween(900, 1_100);
    }

    @Test
    void prepare_binaryLibrary_labelsLibrariesOneAndStatesTheBalance() throws Exception {
        PreparedDataset d = DebianPackages.binaryLibrary().readingFile(DebianIndexTest.excerpt()).prepare(tmp, false);

        List<JsonNode> all = both(d);
        assertThat(all).hasSize(8); // every package with a section
        assertThat(all.stream().filter(r -> r.get("label").asInt() == 1).map(r -> r.get("text").asText().split(" ")[0]))
                .containsExactlyInAnyOrder("libfoo1", "libfoo-dev", "python3-bar");
        assertThat(d.facts()).containsEntry("positiveShare", 0.375).containsEntry("labelNames", List.of("other", "library"));
        assertThat((String) d.facts().get("question")).startsWith("is the package a library (section cli-mono, gnu-r,");
    }

    @Test
    void prepare_sources_areTheTrainingSetsMaintainers() throws Exception {
        PreparedDataset d = DebianPackages.binaryLibrary().readingFile(DebianIndexTest.excerpt()).prepare(tmp, false);

        long distinct = rows(d.files().get("train")).stream().map(r -> r.get("source").asText()).distinct().count();
        assertThat(d.facts().get("sources")).isEqualTo((int) distinct);
    }

    @Test
    void prepare_labelNamesOfTheDataset_giveTheOrder_andAChangedIndexFailsClearly() throws Exception {
        PreparedDataset d = DebianPackages.sections(2, List.of("libdevel", "games")).readingFile(DebianIndexTest.excerpt())
                .prepare(tmp.resolve("a"), false);
        assertThat(Files.readAllLines(d.files().get("labels"))).containsExactly("libdevel", "games");

        assertThatThrownBy(() -> DebianPackages.sections(2, List.of("games", "python"))
                .readingFile(DebianIndexTest.excerpt()).prepare(tmp.resolve("b"), false))
                .hasMessage("the 2 largest sections of the Debian package index are now [games, libdevel], but the dataset"
                        + " names [games, python] (input.labelNames): update the dataset's YAML");
    }

    @Test
    void prepare_twice_reusesTheCompleteFolder_andRemakesAnIncompleteOne() throws Exception {
        DebianPackages source = DebianPackages.binaryLibrary().readingFile(DebianIndexTest.excerpt());
        PreparedDataset first = source.prepare(tmp, false);
        Files.writeString(first.files().get("train"), "kept\n");

        assertThat(source.prepare(tmp, false)).isEqualTo(first);
        assertThat(Files.readString(first.files().get("train"))).isEqualTo("kept\n"); // reused, not made again

        Files.delete(tmp.resolve(PreparedFolder.FILE));
        PreparedDataset again = source.prepare(tmp, false);
        assertThat(again).isEqualTo(first);
        assertThat(Files.readString(again.files().get("train"))).isNotEqualTo("kept\n");
    }

    @Test
    void prepare_otherModeOrSettings_makesTheFolderAgain() throws Exception {
        DebianPackages source = DebianPackages.binaryLibrary().readingFile(DebianIndexTest.excerpt());
        source.prepare(tmp, false);

        PreparedDataset quick = source.prepare(tmp, true);
        assertThat(quick.facts()).containsKey("subset");
        PreparedDataset sections = DebianPackages.sections(2, List.of()).readingFile(DebianIndexTest.excerpt())
                .prepare(tmp, true);
        assertThat(sections.facts().get("labelNames")).isEqualTo(List.of("games", "libdevel"));
    }

    @Test
    void prepare_quick_keepsOneInTenByHash() throws Exception {
        Path big = tmp.resolve("big.txt");
        StringBuilder index = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            index.append("Package: p").append(i).append("\nMaintainer: m").append(i % 7)
                    .append("\nDescription: thing ").append(i).append("\nSection: ").append(i % 3 == 0 ? "libs" : "utils")
                    .append("\n\n");
        }
        Files.writeString(big, index);
        DebianPackages source = DebianPackages.binaryLibrary().readingFile(big);

        PreparedDataset full = source.prepare(tmp.resolve("full"), false);
        PreparedDataset quick = source.prepare(tmp.resolve("quick"), true);

        assertThat(full.facts().get("examples")).isEqualTo(2_000);
        assertThat(((Number) quick.facts().get("examples")).intValue()).isBetween(150, 250);
        assertThat(full.facts().get("positiveShare")).isEqualTo(0.3335);
        assertThat(full.facts().get("sources")).isEqualTo(7);
        assertThat(Files.readAllLines(full.files().get("train"))).containsAll(Files.readAllLines(quick.files().get("train")));
    }
}
