package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.fedflink.artifact.RunFolder;
import org.fedflink.config.JobSpec;
import org.fedflink.kafka.EmbeddedKafka;
import org.fedflink.kafka.FileProducer;
import org.fedflink.runner.LocalRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job against a broker that requires SASL/PLAIN: the password configured in
 * {@code input.kafka.properties} reaches the Kafka clients (the job reads and writes the broker)
 * but no file of the run folder and no line the test JVM logged during the run.
 */
class KafkaSecretsIT {

    /** Where the test JVM logs (src/test/resources/log4j2-test.properties). */
    private static final Path TEST_LOG = Path.of("target/test-logs/tests.log");

    @TempDir
    Path tmp;

    @Test
    void saslPassword_authenticates_butAppearsInNoLogAndNoOutputFile() throws Exception {
        long logStart = Files.exists(TEST_LOG) ? Files.size(TEST_LOG) : 0;
        String password = EmbeddedKafka.SASL_PASSWORD;
        Path out = tmp.resolve("run");
        JsonNode summary;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(true)) {
            JobSpec data = FederatedLoopIT.quickstart("input.generator.examples=5000",
                    "input.generator.corruptFraction=0.01");
            FileProducer.produce(data, "secure", kafka.client(), new FileProducer.Options(2, 0, 0, null, false));
            List<String> overrides = new ArrayList<>(List.of(
                    "input.type=kafka", "input.kafka.topic=secure", "input.kafka.bounded=true",
                    "input.kafka.bootstrapServers=" + kafka.bootstrapServers(), "evaluation.baseline=none",
                    "output.kafka.modelTopic=secure-models", "output.kafka.deadLetterTopic=secure-dead"));
            // the SASL settings as a job spec gives them (a YAML list in input.kafka.properties)
            String yaml = Files.readString(Path.of("jobs/quickstart.yaml")) + "\n# the test's broker\n";
            Path spec = tmp.resolve("secure.yaml");
            Files.writeString(spec, yaml.replace("input:\n", "input:\n  kafka:\n    properties:\n"
                    + kafka.clientProperties().stream().map(p -> "      - '" + p + "'\n").reduce("", String::concat)));
            JobSpec job = org.fedflink.config.JobSpecLoader.load(spec, overrides);
            assertThat(job.input().kafka().properties()).anyMatch(p -> p.contains(password));

            summary = LocalRunner.run(job, LocalRunner.Options.defaults(out)).json();

            assertThat(summary.path("status").asText()).isEqualTo("FINISHED");
            long valid = summary.path("examples").asLong() - summary.path("invalid").asLong();
            assertThat(summary.path("examples").asLong()).isEqualTo(5000);
            assertThat(summary.path("samplesInModel").asLong()).isEqualTo(valid);
            assertThat(kafka.readCommitted("secure-models", Duration.ofSeconds(30), r -> !r.isEmpty())).isNotEmpty();
        }
        assertThat(Files.readString(out.resolve(RunFolder.JOB)))
                .contains("sasl.jaas.config=<redacted>", "security.protocol=SASL_PLAINTEXT");

        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(out)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString())
                .contains("job.yaml", "preprocessing.json", "summary.json", "metrics.csv");
        for (Path file : files) {
            assertThat(indexOf(Files.readAllBytes(file), secret)).as("the password in " + file).isEqualTo(-1);
        }
        String log = readFrom(TEST_LOG, logStart);
        assertThat(log).as("the test log of the run").contains("secure-models").doesNotContain(password);
    }

    private static String readFrom(Path file, long start) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] bytes = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
