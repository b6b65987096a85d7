package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.fedflink.data.FeatureScaler;
import org.fedflink.data.FormatOptions;
import org.fedflink.data.InputFormat;
import org.junit.jupiter.api.Test;

/** How a Kafka message becomes a raw record: source, time, scaling, and the reasons of bad ones. */
class KafkaRowsTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static KafkaInput.Rows rows(String sourceField, int maxBytes) {
        FormatOptions options = FormatOptions.builder(InputFormat.JSONL, 2).sourceField(sourceField).build();
        return new KafkaInput.Rows(options, FeatureScaler.divideBy(2), maxBytes, 0);
    }

    @Test
    void validRow_keepsItsSourceAndTime_andIsScaled() {
        RawRecord r = rows("source", 1000).toRecord("t-1", 9, utf8("k"),
                utf8("{\"source\":\"s1\",\"time\":123,\"label\":1,\"features\":[2,4]}"), 555);
        assertThat(r.reason()).isNull();
        assertThat(r.origin()).isEqualTo("t-1");
        assertThat(r.position()).isEqualTo(9);
        assertThat(r.example().source()).isEqualTo("s1");
        assertThat(r.example().timestamp()).isEqualTo(123);
        assertThat(r.example().values()).containsExactly(1f, 2f);
    }

    @Test
    void rowWithoutTimeOrSourceField_takesTheKafkaTimestampAndTheKey() {
        RawRecord r = rows(null, 1000).toRecord("t-0", 1, utf8("client-7"), utf8("{\"label\":0,\"features\":[1,1]}"), 555);
        assertThat(r.example().source()).isEqualTo("client-7");
        assertThat(r.example().timestamp()).isEqualTo(555);

        RawRecord noKey = rows(null, 1000).toRecord("t-0", 2, null, utf8("{\"label\":0,\"features\":[1,1]}"), 555);
        assertThat(noKey.reason()).isEqualTo("message has no key (the source when input.fields.source is none)");
    }

    @Test
    void badMessages_becomeInvalidRecordsWithTheirReason() {
        KafkaInput.Rows rows = rows("source", 40);
        assertThat(rows.toRecord("t-0", 1, null, null, 0).reason()).isEqualTo("message has no value (a tombstone)");
        assertThat(rows.toRecord("t-0", 2, null, new byte[41], 0).reason())
                .isEqualTo("message of 41 bytes is longer than the limit of 40 bytes (input.maxLineBytes)");
        RawRecord notJson = rows.toRecord("t-0", 3, null, utf8("nope"), 0);
        assertThat(notJson.reason()).startsWith("not valid JSON");
        assertThat(notJson.text()).isEqualTo("nope");
        byte[] bad = {'{', (byte) 0xC3, '}'};
        RawRecord badUtf8 = rows.toRecord("t-0", 4, null, bad, 0);
        assertThat(badUtf8.reason()).isEqualTo("bad utf-8 at byte 2 (raw bytes in base64)");
        assertThat(Base64.getDecoder().decode(badUtf8.text())).containsExactly(bad);
    }
}
