package org.fedflink.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class FormatOptionsTest {

    @Test
    void builder_defaults() {
        FormatOptions o = FormatOptions.builder(InputFormat.CSV, 784).build();
        assertThat(o.format()).isEqualTo(InputFormat.CSV);
        assertThat(o.features()).isEqualTo(784);
        assertThat(o.sourceField()).isEqualTo("source");
        assertThat(o.timeField()).isEqualTo("time");
        assertThat(o.labelField()).isEqualTo("label");
        assertThat(o.featuresField()).isEqualTo("features");
        assertThat(o.indicesField()).isEqualTo("indices");
        assertThat(o.valuesField()).isEqualTo("values");
        assertThat(o.textField()).isEqualTo("text");
        assertThat(o.csvHeader()).isTrue();
        assertThat(o.csvDelimiter()).isEqualTo(',');
        assertThat(o.libsvmIndexBase()).isEqualTo(1);
        assertThat(o.labelMap()).isNull();
        assertThat(o.hashing()).isNull();
    }

    @Test
    void unknownFields_ignoreByDefault_keptByToBuilder_nullMeansIgnore() {
        FormatOptions reject = FormatOptions.builder(InputFormat.JSONL, 2)
                .unknownFields(FormatOptions.UnknownFields.REJECT).build();

        assertThat(FormatOptions.builder(InputFormat.JSONL, 2).build().unknownFields())
                .isEqualTo(FormatOptions.UnknownFields.IGNORE);
        assertThat(reject.toBuilder().scoring(true).build().unknownFields())
                .isEqualTo(FormatOptions.UnknownFields.REJECT);
        assertThat(reject.toBuilder().unknownFields(null).build().unknownFields())
                .isEqualTo(FormatOptions.UnknownFields.IGNORE);
    }

    @Test
    void builder_libsvm_noSourceNoTime() {
        FormatOptions o = FormatOptions.builder(InputFormat.LIBSVM, 10).build();
        assertThat(o.sourceField()).isNull();
        assertThat(o.timeField()).isNull();
    }

    @Test
    void labelMap_copiedAndImmutable() {
        Map<String, Double> map = new HashMap<>(Map.of("cat", 0.0, "dog", 1.0));
        FormatOptions o = FormatOptions.builder(InputFormat.CSV, 2).labelMap(map).build();
        map.put("cow", 2.0);
        assertThat(o.labelMap()).containsOnlyKeys("cat", "dog");
        assertThatThrownBy(() -> o.labelMap().put("x", 1.0)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void serialization_roundTrip_equal() throws Exception {
        FormatOptions o = FormatOptions.builder(InputFormat.JSONL, 1 << 12)
                .sourceField("user").timeField(null).labelMap(Map.of("pos", 1.0, "neg", 0.0))
                .hashing(new TextHashing(12, 2, false)).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(o);
        }
        assertThat(o.toBuilder().build()).isEqualTo(o);
        assertThat(o.toBuilder().labelField("y").build().labelField()).isEqualTo("y");
    }

    @Test
    void build_invalid_oneLineMessageNamingTheOption() {
        assertInvalid(InputFormat.JSONL, 0, b -> b, "features must be >= 1, got 0");
        assertThatThrownBy(() -> FormatOptions.builder(null, 3).build()).hasMessage("format is required");
        assertInvalid(InputFormat.JSONL, 3, b -> b.labelField(null), "labelField is required");
        assertInvalid(InputFormat.JSONL, 3, b -> b.featuresField(" "), "featuresField must not be blank");
        assertInvalid(InputFormat.JSONL, 3, b -> b.sourceField(""), "sourceField must not be blank");
        assertInvalid(InputFormat.JSONL, 3, b -> b.timeField(" t"), "timeField ' t' has leading or trailing spaces");
        assertInvalid(InputFormat.JSONL, 3, b -> b.labelField("source"),
                "sourceField and labelField are both 'source'; field names must differ");
        assertInvalid(InputFormat.CSV, 3, b -> b.timeField("label"),
                "timeField and labelField are both 'label'; field names must differ");
        assertInvalid(InputFormat.CSV, 3, b -> b.csvDelimiter('"'), "csvDelimiter must be an ASCII character"
                + " other than a quote, a line break, a space, a letter, a digit, '.', '+' or '-', got '\"'");
        assertInvalid(InputFormat.CSV, 3, b -> b.csvDelimiter('.'), "csvDelimiter must be");
        assertInvalid(InputFormat.CSV, 3, b -> b.csvDelimiter('\n'), "csvDelimiter must be");
        assertInvalid(InputFormat.CSV, 3, b -> b.csvDelimiter('x'), "csvDelimiter must be");
        assertInvalid(InputFormat.CSV, 3, b -> b.csvDelimiter('\u00a7'), "csvDelimiter must be");
        assertInvalid(InputFormat.LIBSVM, 3, b -> b.libsvmIndexBase(2), "libsvmIndexBase must be 0 or 1, got 2");
        assertInvalid(InputFormat.LIBSVM, 3, b -> b.sourceField("source"),
                "libsvm data has no source field: sourceField must be null, got 'source'");
        assertInvalid(InputFormat.LIBSVM, 3, b -> b.timeField("time"), "libsvm data has no time field");
        assertInvalid(InputFormat.CSV, 3, b -> b.labelMap(Map.of()),
                "labelMap must not be empty (leave it unset for numeric labels)");
        assertInvalid(InputFormat.CSV, 3, b -> b.labelMap(Map.of("a", Double.NaN)),
                "labelMap value of 'a' must be a finite number, got NaN");
        assertInvalid(InputFormat.CSV, 3, b -> b.labelMap(Map.of("", 1.0)), "labelMap has an empty label text");
        assertInvalid(InputFormat.JSONL, 1000, b -> b.hashing(TextHashing.of(10)),
                "features must equal 2^hashing.bits = 1024 when hashing is set, got 1000");
        assertInvalid(InputFormat.LIBSVM, 1024, b -> b.hashing(TextHashing.of(10)),
                "hashing applies to text in jsonl and csv rows, not to libsvm");
    }

    @Test
    void build_valid_variants() {
        assertThat(FormatOptions.builder(InputFormat.CSV, 3).csvDelimiter('\t').build().csvDelimiter()).isEqualTo('\t');
        assertThat(FormatOptions.builder(InputFormat.CSV, 3).csvDelimiter(';').build().csvDelimiter()).isEqualTo(';');
        // CSV looks up only source, time, label (and text with hashing): a label column may be called "values"
        assertThat(FormatOptions.builder(InputFormat.CSV, 3).labelField("values").build().labelField())
                .isEqualTo("values");
        assertThat(FormatOptions.builder(InputFormat.JSONL, 1024).hashing(TextHashing.of(10)).build().hashing())
                .isEqualTo(TextHashing.of(10));
    }

    private static void assertInvalid(InputFormat format, int features, UnaryOperator<FormatOptions.Builder> change,
            String message) {
        assertThatThrownBy(() -> change.apply(FormatOptions.builder(format, features)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).startsWith(message).doesNotContain("\n"));
    }
}
