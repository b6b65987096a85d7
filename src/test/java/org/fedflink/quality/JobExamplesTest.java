package org.fedflink.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobExamplesTest {

    @TempDir
    Path tmp;

    private JobSpec spec(String yaml) throws Exception {
        return JobSpecLoader.parse(yaml.replace("${data}", tmp.toString()), List.of());
    }

    @Test
    void read_fileInput_keepsValidRowsOnceScaledAndReadsTheHoldouts() throws Exception {
        Files.writeString(tmp.resolve("train.jsonl"), """
                {"label":1,"features":[2,4]}
                {"label":0,"features":[6,8]}
                {"label":7,"features":[1,1]}
                not json
                {"label":1,"features":[10,0]}
                """);
        Files.writeString(tmp.resolve("a.jsonl"), "{\"label\":0,\"features\":[2,2]}\n");
        Files.writeString(tmp.resolve("b.jsonl"), "{\"label\":1,\"features\":[4,4]}\n{\"label\":0,\"features\":[0,2]}\n");
        JobSpec spec = spec("""
                job: t
                input:
                  type: jsonl
                  path: ${data}/train.jsonl
                  passes: 3
                  partition: {scheme: iid, sources: 4}
                  scaling: {type: divide, divisor: 2}
                model: {type: logistic, features: 2}
                evaluation:
                  holdoutPath: ${data}/b.jsonl
                  holdouts: {a: ${data}/a.jsonl, b: ${data}/b.jsonl}
                """);

        JobExamples examples = JobExamples.read(spec);

        // a label out of range and a broken line go to the dead letter in the job: left out here
        assertThat(examples.invalid()).isEqualTo(2);
        assertThat(examples.train()).extracting(e -> e.values()[0]).containsExactly(1f, 3f, 5f);
        assertThat(examples.train()).allMatch(e -> e.source().equals(JobExamples.POOLED));
        assertThat(examples.holdouts().primary()).extracting(e -> e.values()[0]).containsExactly(2f, 0f);
        assertThat(examples.holdouts().names()).containsExactly("a", "b");
        assertThat(examples.holdouts().named().get("a").get(0).values()).containsExactly(1f, 1f);
    }

    @Test
    void read_generator_leavesOutTheCorruptRecords() throws Exception {
        JobSpec spec = spec("""
                job: g
                input:
                  type: generator
                  generator: {examples: 5000, sources: 4, corruptFraction: 0.01}
                model: {type: softmax, features: 5, classes: 3}
                evaluation: {holdout: 100}
                """);

        JobExamples examples = JobExamples.read(spec);

        assertThat(examples.invalid()).isBetween(20L, 80L);
        assertThat(examples.train().size() + examples.invalid()).isEqualTo(5_000);
        assertThat(examples.holdouts().primary()).hasSize(100);
        assertThat(PooledReference.fit(spec).figures().get("holdoutAccuracy")).isGreaterThan(0.5);
    }

    @Test
    void read_kafkaInput_isRefused() throws Exception {
        JobSpec spec = spec("""
                job: k
                input: {type: kafka, kafka: {topic: t, bootstrapServers: "localhost:9092"}}
                model: {type: logistic, features: 2}
                """);

        assertThatThrownBy(() -> JobExamples.read(spec))
                .hasMessage("the pooled reference reads a bounded file or generator input, not kafka");
    }
}
