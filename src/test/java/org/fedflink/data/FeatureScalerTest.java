package org.fedflink.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FeatureScalerTest {

    private static Example dense(float... values) {
        return new Example("s", 5L, 1.0, null, values);
    }

    private static Example sparse(int[] indices, float... values) {
        return new Example("s", 5L, 1.0, indices, values);
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    @Test
    void none_returnsTheExampleItself() throws Exception {
        Example e = dense(1, 2);
        assertThat(FeatureScaler.none().apply(e)).isSameAs(e);
        assertThat(roundTrip(FeatureScaler.none())).isSameAs(FeatureScaler.none());
    }

    @Test
    void divideBy_scalesDenseAndSparse_withoutMutatingInput() throws Exception {
        FeatureScaler scaler = FeatureScaler.divideBy(255);
        float[] values = {0, 51, 255};
        Example in = new Example("src", 9L, 3.0, null, values);
        Example out = scaler.apply(in);
        assertThat(out.values()).containsExactly(0f, 0.2f, 1f);
        assertThat(values).containsExactly(0f, 51f, 255f);
        assertThat(out.source()).isEqualTo("src");
        assertThat(out.timestamp()).isEqualTo(9L);
        assertThat(out.label()).isEqualTo(3.0);
        assertThat(out.isDense()).isTrue();
        int[] indices = {2, 7};
        Example sparseOut = scaler.apply(sparse(indices, 255, 510));
        assertThat(sparseOut.indices()).containsExactly(2, 7);
        assertThat(sparseOut.values()).containsExactly(1f, 2f);
        assertThat(roundTrip(scaler)).isEqualTo(scaler);
    }

    @Test
    void divideBy_applyToOwned_scalesInPlaceToTheSameValuesAsApply() {
        FeatureScaler scaler = FeatureScaler.divideBy(255);
        Example copyScaled = scaler.apply(dense(255, 17));
        Example owned = dense(255, 17);
        float[] ownArray = owned.values();

        Example scaled = scaler.applyToOwned(owned);

        assertThat(scaled.values()).isSameAs(ownArray).containsExactly(copyScaled.values());
        assertThat(scaled.values()[0]).isEqualTo(1f);
        // a scaler without an in-place form copies, as apply does
        Standardizer s = Standardizer.of(new double[] {1, 1}, new double[] {1, 1});
        Example mine = dense(3, 4);
        assertThat(s.applyToOwned(mine).values()).containsExactly(2f, 3f);
        assertThat(mine.values()).containsExactly(3f, 4f);
    }

    @Test
    void byteScale_isWhatApplyMakesOfEachByte_forADivisorAndNone_notPerFeature() {
        float[] floats = new float[256];
        byte[] bytes = new byte[256];
        for (int b = 0; b < floats.length; b++) {
            floats[b] = b;
            bytes[b] = (byte) b;
        }
        for (FeatureScaler scaler : List.of(FeatureScaler.divideBy(255), FeatureScaler.divideBy(3),
                FeatureScaler.divideBy(0.7), FeatureScaler.none())) {
            ByteValues decoded = new ByteValues(bytes, scaler.byteScale());
            assertThat(decoded.decode()).as("%s", scaler).containsExactly(scaler.apply(dense(floats)).values());
        }
        Standardizer standardizer = Standardizer.fit(List.of(dense(1, 2), dense(3, 5)), 2);
        assertThat(standardizer.byteScale()).as("per-feature scaling has no byte scale").isNull();
    }

    @Test
    void divideBy_ofAnExampleHeldAsBytes_scalesItsDecodedValues_ownedOrNot() {
        Example image = Example.ofBytes("s", 7, 1, new ByteValues(new byte[] {0, 10, (byte) 200},
                ByteValues.Scale.divideBy(1)));
        FeatureScaler half = FeatureScaler.divideBy(2);
        assertThat(half.apply(image).values()).containsExactly(0f, 5f, 100f);
        assertThat(half.applyToOwned(image).values()).containsExactly(0f, 5f, 100f);
        assertThat(image.values()).as("the bytes are left as they were").containsExactly(0f, 10f, 200f);
    }

    @Test
    void divideBy_rejectsNonPositiveOrNonFinite() {
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> FeatureScaler.divideBy(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("divisor must be positive and finite (got " + bad + ")");
        }
    }

    @Test
    void standardizer_dense_meanStdAndConstantFeature() {
        // feature 0: 1, 2, 3, 4 (mean 2.5, population std sqrt(1.25)); feature 1: constant 7
        List<Example> sample = List.of(dense(1, 7), dense(2, 7), dense(3, 7), dense(4, 7));
        Standardizer s = Standardizer.fit(sample, 2);
        assertThat(s.features()).isEqualTo(2);
        assertThat(s.mean(0)).isEqualTo(2.5);
        assertThat(s.std(0)).isCloseTo(Math.sqrt(1.25), within(1e-12));
        assertThat(s.mean(1)).isEqualTo(7.0);
        assertThat(s.std(1)).isZero();
        float[] values = {4, 9};
        Example out = s.apply(dense(values));
        assertThat(out.values()[0]).isCloseTo((float) (1.5 / Math.sqrt(1.25)), within(1e-6f));
        assertThat(out.values()[1]).as("constant feature: centred only").isEqualTo(2f);
        assertThat(values).containsExactly(4f, 9f);
        // the standardized sample has mean 0 and std 1
        double sum = 0;
        double sumSq = 0;
        for (Example e : sample) {
            float v = s.apply(e).values()[0];
            sum += v;
            sumSq += v * v;
        }
        assertThat(sum / 4).isCloseTo(0, within(1e-6));
        assertThat(sumSq / 4).isCloseTo(1, within(1e-6));
    }

    @Test
    void standardizer_constantInMixedDenseAndSparseSample_isExactlyConstant() {
        List<Example> sample = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            sample.add(i % 2 == 0 ? dense(0.1f) : sparse(new int[] {0}, 0.1f));
        }
        Standardizer s = Standardizer.fit(sample, 1);
        assertThat(s.std(0)).isZero();
        assertThat(s.apply(dense(0.1f)).values()).containsExactly(0f);
        assertThat(s.apply(dense(1.1f)).values()).containsExactly(1f);
    }

    @Test
    void standardizer_sparseSample_sameStatisticsAsItsDenseEquivalent() {
        SplittableRandom random = new SplittableRandom(3);
        int features = 20;
        List<Example> sparseSample = new ArrayList<>();
        List<Example> denseSample = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            List<Integer> idx = new ArrayList<>();
            for (int j = 0; j < features; j++) {
                // feature 19 is never present; feature 0 always
                if (j != 19 && (j == 0 || random.nextInt(4) == 0)) {
                    idx.add(j);
                }
            }
            int[] indices = idx.stream().mapToInt(Integer::intValue).toArray();
            float[] values = new float[indices.length];
            float[] full = new float[features];
            for (int k = 0; k < indices.length; k++) {
                values[k] = (float) (random.nextGaussian() * (indices[k] + 1) + 10);
                full[indices[k]] = values[k];
            }
            sparseSample.add(sparse(indices, values));
            denseSample.add(dense(full));
        }
        Standardizer fromSparse = Standardizer.fit(sparseSample, features);
        Standardizer fromDense = Standardizer.fit(denseSample, features);
        for (int j = 0; j < features; j++) {
            assertThat(fromSparse.mean(j)).as("mean %d", j).isCloseTo(fromDense.mean(j), within(1e-9));
            assertThat(fromSparse.std(j)).as("std %d", j).isCloseTo(fromDense.std(j), within(1e-9));
        }
        assertThat(fromSparse.mean(19)).isZero();
        assertThat(fromSparse.std(19)).isZero();

        // sparse examples: x / rms, no centring; an all-zero feature is left as it is
        int[] indices = {0, 5, 19};
        Example out = fromSparse.apply(sparse(indices, 2f, -3f, 4f));
        assertThat(out.indices()).containsExactly(0, 5, 19);
        double rms0 = Math.sqrt(fromSparse.mean(0) * fromSparse.mean(0) + fromSparse.std(0) * fromSparse.std(0));
        double rms5 = Math.sqrt(fromSparse.mean(5) * fromSparse.mean(5) + fromSparse.std(5) * fromSparse.std(5));
        assertThat(out.values()).containsExactly((float) (2 / rms0), (float) (-3 / rms5), 4f);
    }

    @Test
    void standardizer_mixedDenseAndSparseSample() {
        Standardizer s = Standardizer.fit(List.of(dense(2, 0), sparse(new int[] {1}, 4f), dense(4, 2)), 2);
        // feature 0: 2, 0, 4 -> mean 2; feature 1: 0, 4, 2 -> mean 2
        assertThat(s.mean(0)).isCloseTo(2, within(1e-12));
        assertThat(s.mean(1)).isCloseTo(2, within(1e-12));
        assertThat(s.std(0)).isCloseTo(Math.sqrt(8.0 / 3), within(1e-12));
        assertThat(s.std(1)).isCloseTo(Math.sqrt(8.0 / 3), within(1e-12));
    }

    @Test
    void standardizer_rejectsBadInput() {
        assertThatThrownBy(() -> Standardizer.fit(List.of(), 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot fit a standardizer on zero examples");
        assertThatThrownBy(() -> Standardizer.fit(List.of(dense(1)), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("features must be at least 1 (got 0)");
        assertThatThrownBy(() -> Standardizer.fit(List.of(dense(1, 2), dense(1)), 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("example 1 has 1 features, expected 2");
        assertThatThrownBy(() -> Standardizer.fit(List.of(sparse(new int[] {2}, 1f)), 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("example 0 has feature index 2 outside [0, 2)");
        assertThatThrownBy(() -> Standardizer.fit(List.of(dense(1, Float.NaN)), 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("example 0 feature 1 is not finite (NaN)");
        Standardizer s = Standardizer.fit(List.of(dense(1, 2)), 2);
        assertThatThrownBy(() -> s.apply(dense(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("example has 1 features, the standardizer was fitted for 2");
        assertThatThrownBy(() -> s.apply(sparse(new int[] {5}, 1f))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("feature index 5 outside [0, 2) the standardizer was fitted for");
    }

    @Test
    void standardizer_serializable() throws Exception {
        Standardizer s = Standardizer.fit(List.of(dense(1, 5), dense(3, 9)), 2);
        Standardizer copy = roundTrip(s);
        assertThat(copy.apply(dense(2, 2)).values()).containsExactly(s.apply(dense(2, 2)).values());
        assertThat(copy.toString()).isEqualTo("Standardizer[features=2, mean=[2.0, 7.0], std=[1.0, 2.0]]");
    }
}
