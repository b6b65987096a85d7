package org.fedflink.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
import org.junit.jupiter.api.Test;

class ExampleValidatorTest {

    private final ExampleValidator softmax = new ExampleValidator(new ModelSpec(ModelType.SOFTMAX, 3, 4, 0.0));
    private final ExampleValidator logistic = new ExampleValidator(new ModelSpec(ModelType.LOGISTIC, 3, 2, 0.0));
    private final ExampleValidator linear = new ExampleValidator(new ModelSpec(ModelType.LINEAR, 3, 0, 0.0));

    private static Example dense(double label, float... values) {
        return new Example("s", 0L, label, null, values);
    }

    private static Example sparse(double label, int[] indices, float... values) {
        return new Example("s", 0L, label, indices, values);
    }

    @Test
    void check_validExamples_null() {
        assertThat(softmax.check(dense(3, 1, 2, 3))).isNull();
        assertThat(softmax.check(dense(0, 1, 2, 3))).isNull();
        assertThat(softmax.check(sparse(1, new int[] {0, 2}, 1, 2))).isNull();
        assertThat(softmax.check(sparse(1, new int[] {}))).isNull();
        assertThat(logistic.check(dense(1, 1, 2, 3))).isNull();
        assertThat(linear.check(dense(-1234.5, 1, 2, 3))).isNull();
        assertThat(softmax.check(new Example("s", Long.MIN_VALUE, 1, null, new float[3]))).isNull();
        assertThat(softmax.isValid(dense(3, 1, 2, 3))).isTrue();
    }

    @Test
    void check_bytes_countTheirFeatures_andTheLabel() {
        ByteValues.Scale scale = ByteValues.Scale.divideBy(255);
        assertThat(softmax.check(Example.ofBytes("s", 0, 2, new ByteValues(new byte[] {1, 2, (byte) 255}, scale))))
                .isNull();
        assertThat(softmax.check(Example.ofBytes("s", 0, 2, new ByteValues(new byte[] {1, 2}, scale))))
                .isEqualTo("expected 3 features, got 2");
        assertThat(softmax.check(Example.ofBytes("s", 0, 9, new ByteValues(new byte[3], scale))))
                .isEqualTo("label 9 is out of range [0, 4)");
        assertThat(softmax.check(Example.ofBytes("", 0, 1, new ByteValues(new byte[3], scale))))
                .isEqualTo("source is empty");
    }

    @Test
    void example_heldAsBytes_decodesIntoOneReusedBuffer_orAFreshArray_andKeepsItsBytesWhenMoved() {
        Example image = Example.ofBytes("s", 5, 1, new ByteValues(new byte[] {0, 51, (byte) 255},
                ByteValues.Scale.divideBy(255)));
        DecodeBuffer decoded = new DecodeBuffer();
        float[] first = decoded.values(image);
        assertThat(first).containsExactly(0f, 0.2f, 1f);
        assertThat(decoded.values(image)).isSameAs(first);
        assertThat(image.values()).containsExactly(0f, 0.2f, 1f).isNotSameAs(image.values());
        assertThat(image.size()).isEqualTo(3);
        assertThat(image.at("t", 9).bytes()).isSameAs(image.bytes());
        assertThat(image.withSource("u").bytes()).isSameAs(image.bytes());
        float[] own = {1f, 2f};
        assertThat(decoded.values(new Example("s", 0, 1, null, own))).isSameAs(own);
        assertThat(decoded.values(image)).as("an example's own values never become the buffer").isSameAs(first);
        assertThatThrownBy(() -> new Example("s", 0, 1, null, own, image.bytes()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void check_source_nullOrBlank() {
        assertThat(softmax.check(new Example(null, 0, 1, null, new float[3]))).isEqualTo("missing source");
        assertThat(softmax.check(new Example("", 0, 1, null, new float[3]))).isEqualTo("source is empty");
        assertThat(softmax.check(new Example(" \t", 0, 1, null, new float[3]))).isEqualTo("source is blank");
        assertThat(softmax.check(null)).isEqualTo("example is null");
        assertThat(softmax.check(new Example("s", 0, 1, null, null))).isEqualTo("missing feature values");
    }

    @Test
    void check_denseDimension_mismatch() {
        ExampleValidator v = new ExampleValidator(new ModelSpec(ModelType.SOFTMAX, 20, 4, 0.0));
        assertThat(v.check(dense(1, new float[19]))).isEqualTo("expected 20 features, got 19");
        assertThat(softmax.check(dense(1, 1, 2, 3, 4))).isEqualTo("expected 3 features, got 4");
    }

    @Test
    void check_sparseIndices_outOfRangeOrUnordered() {
        assertThat(softmax.check(sparse(1, new int[] {0, 3}, 1, 2)))
                .isEqualTo("feature index 3 is out of range [0, 3) (indices[1])");
        assertThat(softmax.check(sparse(1, new int[] {-1}, 1)))
                .isEqualTo("feature index -1 is negative (indices[0])");
        assertThat(softmax.check(sparse(1, new int[] {2, 1}, 1, 2)))
                .isEqualTo("indices are not strictly increasing at indices[1] (1 after 2)");
        assertThat(softmax.check(sparse(1, new int[] {0, 1}, 1)))
                .isEqualTo("indices and values differ in length (2 vs 1)");
    }

    @Test
    void check_nonFiniteValues_rejected() {
        assertThat(softmax.check(dense(1, 1, Float.NaN, 3))).isEqualTo("feature 1 is not a finite number (NaN)");
        assertThat(linear.check(dense(1, 1, 2, Float.POSITIVE_INFINITY)))
                .isEqualTo("feature 2 is not a finite number (Infinity)");
        assertThat(softmax.check(sparse(1, new int[] {0, 2}, 1, Float.NEGATIVE_INFINITY)))
                .isEqualTo("feature 2 is not a finite number (-Infinity)");
        assertThat(linear.check(dense(Double.NaN, 1, 2, 3))).isEqualTo("label is not a finite number (NaN)");
        assertThat(softmax.check(dense(Double.POSITIVE_INFINITY, 1, 2, 3)))
                .isEqualTo("label is not a finite number (Infinity)");
    }

    @Test
    void check_classLabels_rangeAndIntegrality() {
        ExampleValidator v = new ExampleValidator(new ModelSpec(ModelType.SOFTMAX, 3, 4, 0.0));
        assertThat(v.check(dense(7, 1, 2, 3))).isEqualTo("label 7 is out of range [0, 4)");
        assertThat(v.check(dense(4, 1, 2, 3))).isEqualTo("label 4 is out of range [0, 4)");
        assertThat(v.check(dense(-1, 1, 2, 3))).isEqualTo("label -1 is out of range [0, 4)");
        assertThat(v.check(dense(1.5, 1, 2, 3))).isEqualTo("label 1.5 is not an integer class");
        assertThat(logistic.check(dense(2, 1, 2, 3))).isEqualTo("label 2 is out of range [0, 2)");
        assertThat(logistic.check(dense(0.5, 1, 2, 3))).isEqualTo("label 0.5 is not an integer class");
        assertThat(logistic.check(dense(-1, 1, 2, 3))).isEqualTo("label -1 is out of range [0, 2)");
        // logistic is always 0/1 whatever classes says
        ExampleValidator odd = new ExampleValidator(new ModelSpec(ModelType.LOGISTIC, 3, 5, 0.0));
        assertThat(odd.check(dense(3, 1, 2, 3))).isEqualTo("label 3 is out of range [0, 2)");
        assertThat(linear.check(dense(7.25, 1, 2, 3))).isNull();
    }

    @Test
    void constructor_nullSpec_rejected() {
        assertThatThrownBy(() -> new ExampleValidator(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
