package org.fedflink.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchDataTest {

    @TempDir
    Path tmp;

    @Test
    void footwear_isSandalSneakerAndAnkleBoot() {
        for (int c = 0; c < 10; c++) {
            assertThat(BenchData.isFootwear(c)).as("class " + c).isEqualTo(c == 5 || c == 7 || c == 9);
        }
    }

    @Test
    void sparseText_isSeeded_hasFortyWordsPerRow_andBothLabels() throws Exception {
        BenchData data = new BenchData(tmp.resolve("data"), null);
        Path a = data.sparseText("a.jsonl", 500, 7, 42);
        Path b = new BenchData(tmp.resolve("other"), null).sparseText("a.jsonl", 500, 7, 42);
        assertThat(Files.readAllLines(a)).hasSize(500).isEqualTo(Files.readAllLines(b));
        ObjectMapper json = new ObjectMapper();
        Set<Integer> labels = new HashSet<>();
        Set<String> sources = new HashSet<>();
        for (String line : Files.readAllLines(a)) {
            JsonNode row = json.readTree(line);
            assertThat(row.path("text").asText().split(" ")).hasSize(BenchData.WORDS_PER_EXAMPLE);
            labels.add(row.path("label").asInt());
            sources.add(row.path("source").asText());
        }
        assertThat(labels).containsExactlyInAnyOrder(0, 1);
        assertThat(sources).hasSize(7);
        // the same name again: kept, not rewritten
        long modified = Files.getLastModifiedTime(a).toMillis();
        data.sparseText("a.jsonl", 500, 7, 42);
        assertThat(Files.getLastModifiedTime(a).toMillis()).isEqualTo(modified);
    }

    @Test
    void withoutFashionMnist_theDenseCasesFallBackToTheGenerator() throws Exception {
        BenchData data = new BenchData(tmp.resolve("data"), tmp.resolve("no-such-folder"));
        assertThat(data.hasFashionMnist()).isFalse();
        BenchCase softmax = BenchCases.select(List.of("softmax-p2")).get(0);
        CasePlan plan = CasePlan.of(softmax, data, Path.of("jobs", "bench"), true);
        assertThat(plan.data()).contains("generator", "Fashion-MNIST not installed");
        JobSpec spec = plan.load();
        assertThat(spec.input().isFile()).isFalse();
        assertThat(spec.trainer().parallelism()).isEqualTo(2);
        assertThat(spec.model().features()).isEqualTo(784);
        assertThat(spec.model().classes()).isEqualTo(10);
        assertThat(spec.input().generator().examples()).isEqualTo(softmax.examples(true));
        assertThat(spec.checkpoint().intervalMillis()).isEqualTo(CasePlan.QUICK_CHECKPOINT_MILLIS);
        assertThat(plan.command()).startsWith("bin/fedflink run ").contains("--set trainer.parallelism=2");
    }

    @Test
    void everyCase_plansAValidJobSpec() throws Exception {
        BenchData data = new BenchData(tmp.resolve("data"), BenchData.FASHION_MNIST);
        for (BenchCase c : BenchCases.ALL) {
            CasePlan plan = CasePlan.of(c.withExamples(c.quickExamples()), data, Path.of("jobs", "bench"), false);
            JobSpec spec = JobSpecLoader.load(plan.specFile(), plan.overrides());
            assertThat(spec.trainer().parallelism()).as(c.name()).isEqualTo(c.parallelism());
            assertThat(spec.checkpoint().intervalMillis()).isEqualTo(CasePlan.CHECKPOINT_MILLIS);
            if (c.workload() == BenchCase.Workload.SPARSE) {
                assertThat(spec.model().features()).isEqualTo(1 << 20);
                assertThat(spec.input().hashing().bits()).isEqualTo(20);
                assertThat(spec.aggregation().shards()).isEqualTo(c.parallelism());
            }
            if (c.workload() == BenchCase.Workload.SOURCES) {
                assertThat(spec.input().generator().sources()).isEqualTo(c.sources());
            }
        }
    }
}
