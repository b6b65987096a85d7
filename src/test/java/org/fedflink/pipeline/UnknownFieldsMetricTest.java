package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.fedflink.data.FeatureScaler;
import org.fedflink.data.FormatOptions;
import org.fedflink.data.InputFormat;
import org.fedflink.data.RowParser;
import org.fedflink.data.RowParsers;
import org.junit.jupiter.api.Test;

/** The unknownFields counter follows the parser's tally, row by row, however often it is asked. */
class UnknownFieldsMetricTest {

    @Test
    void update_countsRowsWithUnknownFieldsOnce() throws Exception {
        RowParser parser = RowParsers.create(FormatOptions.builder(InputFormat.JSONL, 1).build(), null);
        UnknownFieldsMetric metric = new UnknownFieldsMetric(null);
        String[] rows = {
            "{\"source\":\"s\",\"label\":1,\"features\":[1],\"meta\":1,\"id\":2}",
            "{\"source\":\"s\",\"label\":1,\"features\":[1]}",
            "{\"source\":\"s\",\"label\":1,\"features\":[1],\"meta\":3}",
        };

        for (int i = 0; i < rows.length; i++) {
            parser.parse(rows[i].getBytes(StandardCharsets.UTF_8));
            metric.update(parser.unknownFields(), "a.jsonl", "line", i + 1);
            metric.update(parser.unknownFields(), "a.jsonl", "line", i + 1);
        }

        assertThat(metric.count()).isEqualTo(2);
    }

    @Test
    void kafkaRows_unknownFieldsIgnoredByDefault_rejectedWhenAsked() {
        byte[] message = "{\"source\":\"s\",\"label\":1,\"features\":[1,2],\"meta\":{}}".getBytes(StandardCharsets.UTF_8);
        FormatOptions ignore = FormatOptions.builder(InputFormat.JSONL, 2).build();
        FormatOptions reject = ignore.toBuilder().unknownFields(FormatOptions.UnknownFields.REJECT).build();

        RawRecord ignored = new KafkaInput.Rows(ignore, FeatureScaler.none(), 1000, 0).toRecord("t-0", 5, null, message, 1);
        RawRecord rejected = new KafkaInput.Rows(reject, FeatureScaler.none(), 1000, 0).toRecord("t-0", 5, null, message, 1);

        assertThat(ignored.reason()).isNull();
        assertThat(ignored.example().values()).containsExactly(1f, 2f);
        assertThat(rejected.reason()).isEqualTo("unknown field 'meta'");
    }
}
