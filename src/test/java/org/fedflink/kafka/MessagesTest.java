package org.fedflink.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fedflink.data.Example;
import org.fedflink.data.FormatOptions;
import org.fedflink.data.InputFormat;
import org.fedflink.data.JsonLineParser;
import org.fedflink.data.RowParser;
import org.fedflink.data.RowParsers;
import org.junit.jupiter.api.Test;

/** The Kafka message formats: examples read back as the JSONL rows they are, model versions verified. */
class MessagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static RowParser parser(int features, Map<String, Double> labels) {
        FormatOptions.Builder b = FormatOptions.builder(InputFormat.JSONL, features);
        if (labels != null) {
            b.labelMap(labels);
        }
        return RowParsers.create(b.build(), null);
    }

    @Test
    void exampleValue_denseAndSparse_parseBackToTheSameExample() throws Exception {
        Example dense = new Example("s1", 1_700_000_000_123L, 2, null, new float[] {0f, 255f, 0.1f, -1.5e-7f});
        byte[] value = ExampleMessages.value(dense, List.of());
        assertThat(new String(value, StandardCharsets.UTF_8))
                .isEqualTo("{\"source\":\"s1\",\"time\":1700000000123,\"label\":2,\"features\":[0,255,0.1,-1.5E-7]}");
        Example back = parser(4, null).parse(value);
        assertThat(back.source()).isEqualTo("s1");
        assertThat(back.timestamp()).isEqualTo(dense.timestamp());
        assertThat(back.label()).isEqualTo(2.0);
        assertThat(back.values()).containsExactly(dense.values());

        Example sparse = new Example("s2", JsonLineParser.NO_TIMESTAMP, 1, new int[] {1, 7}, new float[] {0.5f, 3f});
        Example sparseBack = parser(8, null).parse(ExampleMessages.value(sparse, List.of()));
        assertThat(sparseBack.timestamp()).isEqualTo(JsonLineParser.NO_TIMESTAMP);
        assertThat(sparseBack.indices()).containsExactly(1, 7);
        assertThat(sparseBack.values()).containsExactly(0.5f, 3f);
    }

    @Test
    void exampleValue_withLabelNames_writesTheClassName() throws Exception {
        Example e = new Example("s1", 5, 1, null, new float[] {1f});
        byte[] value = ExampleMessages.value(e, List.of("cat", "dog"));
        assertThat(JSON.readTree(value).path("label").asText()).isEqualTo("dog");
        assertThat(parser(1, Map.of("cat", 0.0, "dog", 1.0)).parse(value).label()).isEqualTo(1.0);
        assertThat(ExampleMessages.key("s1")).isEqualTo("s1".getBytes(StandardCharsets.UTF_8));
        assertThat(ExampleMessages.key(null)).isNull();
    }

    @Test
    void modelValue_roundTripsParamsAndMetadata_andRefusesACorruptOne() throws Exception {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", "fedflink-model/1");
        meta.put("job", "j");
        meta.put("version", 7L);
        meta.put("final", false);
        meta.put("samplesInModel", 1234L);
        meta.put("model", Map.of("numParams", 3));
        meta.put("params", "v00000007.f32");
        float[] params = {1.5f, -2f, Float.MIN_VALUE};
        byte[] value = ModelMessages.value(meta, params, "loop-1");

        JsonNode node = JSON.readTree(value);
        assertThat(node.path("format").asText()).isEqualTo(ModelMessages.FORMAT);
        assertThat(node.path("paramsEncoding").asText()).isEqualTo("float32-le-base64");
        ModelMessages.Version v = ModelMessages.parse(value);
        assertThat(v.version()).isEqualTo(7);
        assertThat(v.job()).isEqualTo("j");
        assertThat(v.loopId()).isEqualTo("loop-1");
        assertThat(v.last()).isFalse();
        assertThat(v.params()).containsExactly(params);
        assertThat(v.metadata().has("params")).isFalse();
        assertThat(v.metadata().path("samplesInModel").asLong()).isEqualTo(1234);

        String tampered = new String(value, StandardCharsets.UTF_8).replaceFirst("\"checksum\":\"crc32:[0-9a-f]+\"",
                "\"checksum\":\"crc32:00000000\"");
        assertThatThrownBy(() -> ModelMessages.parse(tampered.getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("model message version 7: checksum crc32:");
        assertThatThrownBy(() -> ModelMessages.parse("{\"format\":\"fedflink-model/1\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("not a model message (format 'fedflink-model/1', expected fedflink-model-message/1)");
        assertThatThrownBy(() -> ModelMessages.parse("[1]".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("not a model message (not a JSON object)");
        meta.put("model", Map.of("numParams", 4));
        assertThatThrownBy(() -> ModelMessages.parse(ModelMessages.value(meta, params, "l")))
                .hasMessage("model message version 7: 12 parameter bytes, expected 16");
    }

    @Test
    void deadLetterValue_splitsAKafkaOriginIntoTopicPartitionAndOffset() throws Exception {
        JsonNode kafka = JSON.readTree(DeadLetterMessages.value("j", "my-topic-3", 42, "bad", "raw text", true));
        assertThat(kafka.path("topic").asText()).isEqualTo("my-topic");
        assertThat(kafka.path("partition").asInt()).isEqualTo(3);
        assertThat(kafka.path("offset").asLong()).isEqualTo(42);
        assertThat(kafka.path("raw").asText()).isEqualTo("raw text");
        JsonNode file = JSON.readTree(DeadLetterMessages.value("j", "train-1.csv", 5, "bad", "x", false));
        assertThat(file.has("topic")).isFalse();
        assertThat(file.path("position").asLong()).isEqualTo(5);
        assertThat(file.path("format").asText()).isEqualTo(DeadLetterMessages.FORMAT);
    }
}
