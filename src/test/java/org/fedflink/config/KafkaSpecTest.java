package org.fedflink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The Kafka keys of a job spec: defaults, rules, and secrets that never reach a written spec. */
class KafkaSpecTest {

    private static final String MODEL = """
            model:
              type: softmax
              features: 4
              classes: 3
            """;

    private static final String KAFKA_JOB = kafkaJob("");

    /** A Kafka job with {@code lines} added to its {@code input.kafka} section. */
    private static String kafkaJob(String lines) {
        return "job: kjob\ninput:\n  type: kafka\n  kafka:\n    topic: examples\n" + lines + MODEL;
    }

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"u\" password=\"hunter2-pw\";";

    private static JobSpec parse(String yaml, String... overrides) throws JobSpecException {
        return JobSpecLoader.parse(yaml, List.of(overrides));
    }

    @Test
    void modelFiles_unboundedInputKeepsABoundedNumber_boundedKeepsEvery_andBothAsSet() throws Exception {
        assertThat(parse(KAFKA_JOB).output().models()).isEqualTo(new JobSpec.ModelFilesSpec(1000, 1000));
        assertThat(parse(KAFKA_JOB, "input.kafka.bounded=true").output().models())
                .isEqualTo(new JobSpec.ModelFilesSpec(0, 0));
        assertThat(parse("job: g\n" + MODEL).output().models()).isEqualTo(new JobSpec.ModelFilesSpec(0, 0));
        assertThat(parse(KAFKA_JOB, "output.models.keepLast=5", "output.models.keepEvery=0").output().models())
                .isEqualTo(new JobSpec.ModelFilesSpec(5, 0));
        assertThatThrownBy(() -> parse(KAFKA_JOB, "output.models.keepLast=-1"))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining("output.models.keepLast");
    }

    @Test
    void lineFiles_unboundedInputRollsAndKeepsABoundedNumber_boundedNeverRolls_andBothAsSet() throws Exception {
        assertThat(parse(KAFKA_JOB).output().files()).isEqualTo(new JobSpec.LineFilesSpec(64, 16));
        assertThat(parse(KAFKA_JOB, "input.kafka.bounded=true").output().files())
                .isEqualTo(new JobSpec.LineFilesSpec(0, 0));
        assertThat(parse("job: g\n" + MODEL).output().files()).isEqualTo(new JobSpec.LineFilesSpec(0, 0));
        assertThat(parse(KAFKA_JOB, "output.files.rollMegabytes=0", "output.files.keepFiles=3").output().files())
                .isEqualTo(new JobSpec.LineFilesSpec(0, 3));
        assertThatThrownBy(() -> parse(KAFKA_JOB, "output.files.keepFiles=-1"))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining("output.files.keepFiles");
    }

    @Test
    void kafkaInput_defaults_resolveGroupAndIgnoreThePath() throws Exception {
        JobSpec spec = parse(KAFKA_JOB, "input.path=/ignored");

        JobSpec.KafkaInputSpec k = spec.input().kafka();
        assertThat(spec.input().isKafka()).isTrue();
        assertThat(spec.input().isFile()).isFalse();
        assertThat(spec.input().path()).isNull();
        assertThat(k.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(k.groupId()).isEqualTo("fedflink-kjob");
        assertThat(k.startingOffsets()).isEqualTo(JobSpec.StartingOffsets.EARLIEST);
        assertThat(k.bounded()).isFalse();
        assertThat(k.idleTimeoutMillis()).isEqualTo(10_000L);
        assertThat(k.format()).isEqualTo(JobSpec.KafkaFormat.JSONL);
        assertThat(spec.output().kafka().enabled()).isFalse();
    }

    @Test
    void kafkaInput_withoutTopic_isRefused() {
        assertThatThrownBy(() -> parse(KAFKA_JOB, "input.kafka.topic=~"))
                .hasMessage("key 'input.kafka.topic' is required when input.type is kafka");
    }

    @Test
    void kafkaInput_fileOnlyKeys_areRefusedWithTheReason() {
        assertThatThrownBy(() -> parse(KAFKA_JOB, "input.passes=2"))
                .hasMessageContaining("'input.passes'").hasMessageContaining("apply to files only");
        assertThatThrownBy(() -> parse(KAFKA_JOB, "input.partition.scheme=iid"))
                .hasMessageStartingWith("key 'input.partition.scheme' must be none when input.type is kafka")
                .hasMessageEndingWith("got iid");
        assertThatThrownBy(() -> parse(KAFKA_JOB, "input.scaling.type=standardize"))
                .hasMessageStartingWith("key 'input.scaling.type' cannot be standardize when input.type is kafka");
        assertThatThrownBy(() -> parse(KAFKA_JOB, "input.kafka.startingOffsets=timestamp"))
                .hasMessageStartingWith("key 'input.kafka.startingTimestampMillis' must be > 0");
        assertThatThrownBy(() -> parse(KAFKA_JOB, "input.kafka.topic=bad topic"))
                .hasMessageStartingWith("key 'input.kafka.topic' must be a Kafka topic name");
        assertThatThrownBy(() -> parse(KAFKA_JOB, "input.kafka.bootstrapServers=localhost"))
                .hasMessageStartingWith("key 'input.kafka.bootstrapServers' must be host:port");
    }

    @Test
    void kafkaInput_labelNamesAndCsvFormat_areAccepted() throws Exception {
        JobSpec spec = parse(KAFKA_JOB, "input.labelNames=a,b,c", "input.kafka.format=csv");

        assertThat(spec.input().labelNames()).containsExactly("a", "b", "c");
        assertThat(spec.input().kafka().format()).isEqualTo(JobSpec.KafkaFormat.CSV);
    }

    @Test
    void properties_notKeyValue_messageNamesTheEntryButNeverItsText() {
        assertThatThrownBy(() -> parse(kafkaJob("    properties: [linger.ms=5, 'ssl.key.password hunter2-pw']\n")))
                .hasMessage("key 'input.kafka.properties[1]' must be a Kafka client property written key=value,"
                        + " such as security.protocol=SASL_SSL")
                .message().doesNotContain("hunter2-pw");
    }

    @Test
    void kafkaOutput_resolvesServersAndPrefix_andNeedsCheckpoints() throws Exception {
        JobSpec fromInput = parse(KAFKA_JOB, "input.kafka.bootstrapServers=b1:9093", "output.kafka.modelTopic=models");
        assertThat(fromInput.output().kafka().bootstrapServers()).isEqualTo("b1:9093");
        assertThat(fromInput.output().kafka().transactionalIdPrefix()).isEqualTo("fedflink-kjob");

        JobSpec generator = parse("job: g\nmodel: {type: softmax, features: 3}\n", "output.kafka.deadLetterTopic=dl");
        assertThat(generator.output().kafka().bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(generator.output().kafka().enabled()).isTrue();

        assertThatThrownBy(() -> parse(KAFKA_JOB, "output.kafka.modelTopic=models", "checkpoint.intervalMillis=0"))
                .hasMessage("key 'checkpoint.intervalMillis' must be > 0 with output.kafka topics (their transactions"
                        + " commit on checkpoints), got 0");
        assertThatThrownBy(() -> parse(KAFKA_JOB, "output.kafka.modelTopic=examples"))
                .hasMessage("key 'input.kafka.topic' must differ from the output.kafka topics, got 'examples' for both");
        assertThatThrownBy(() -> parse(KAFKA_JOB, "output.kafka.modelTopic=x", "output.kafka.deadLetterTopic=x"))
                .hasMessageContaining("must differ, both are 'x'");
    }

    @Test
    void toYaml_redactsSecretProperties_andKeepsTheOthers() throws Exception {
        String yaml = kafkaJob("    properties:\n"
                + "      - security.protocol=SASL_PLAINTEXT\n"
                + "      - 'sasl.jaas.config=" + JAAS + "'\n"
                + "      - ssl.truststore.password=hunter2-pw\n")
                + "output:\n  kafka:\n    modelTopic: m\n    properties: [basic.auth.user.info=me:hunter2-pw, acks=all]\n";
        JobSpec spec = parse(yaml);
        assertThat(spec.input().kafka().properties()).anySatisfy(p -> assertThat(p).contains("hunter2-pw"));

        String written = JobSpecLoader.toYaml(spec);
        assertThat(written).doesNotContain("hunter2-pw")
                .contains("security.protocol=SASL_PLAINTEXT", "sasl.jaas.config=<redacted>",
                        "ssl.truststore.password=<redacted>", "basic.auth.user.info=<redacted>", "acks=all");
        assertThat(spec.toString()).doesNotContain("hunter2-pw");
        // the written spec still loads; only the secrets are gone from it
        JobSpec back = JobSpecLoader.parse(written, List.of());
        assertThat(back.input().kafka().properties()).contains("sasl.jaas.config=<redacted>");
        assertThat(back.input().kafka().topic()).isEqualTo("examples");
    }

    @Test
    void environment_mapsToPropertiesAndWinsOverTheSpec() throws Exception {
        Map<String, String> env = Map.of(
                "FEDFLINK_KAFKA_SASL_JAAS_CONFIG", "from-env",
                "FEDFLINK_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "FEDFLINK_KAFKA_", "ignored",
                "PATH", "/usr/bin");
        Properties props = KafkaProperties.client("b:9092", env,
                KafkaProperties.parse(List.of("security.protocol=PLAINTEXT", "linger.ms=5"), "p"),
                Map.of("linger.ms", "7"));

        assertThat(props).containsEntry("bootstrap.servers", "b:9092")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.jaas.config", "from-env")
                .containsEntry("linger.ms", "7")
                .hasSize(4);
        assertThat(KafkaProperties.redact(props)).containsEntry("sasl.jaas.config", KafkaProperties.REDACTED)
                .containsEntry("linger.ms", "7");
    }

    @Test
    void isSecret_coversPasswordsJaasTokensAndKeys() {
        assertThat(List.of("sasl.jaas.config", "ssl.key.password", "ssl.keystore.password", "ssl.truststore.password",
                "sasl.oauthbearer.client.credentials.client.secret", "ssl.keystore.key", "basic.auth.user.info",
                "sasl.login.token", "SASL.JAAS.CONFIG")).allMatch(KafkaProperties::isSecret);
        assertThat(List.of("security.protocol", "sasl.mechanism", "ssl.truststore.location", "acks", "linger.ms"))
                .noneMatch(KafkaProperties::isSecret);
    }
}
