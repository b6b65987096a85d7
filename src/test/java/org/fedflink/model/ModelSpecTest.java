package org.fedflink.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shapes, parameter counts, layer offsets and validation of {@link ModelSpec}. */
class ModelSpecTest {

    @Test
    void linearTypes_fourArgumentConstructor_noHiddenLayersAndRowLayout() {
        ModelSpec softmax = new ModelSpec(ModelType.SOFTMAX, 20, 4, 0.1);

        assertThat(softmax.hidden()).isEmpty();
        assertThat(softmax).isEqualTo(new ModelSpec(ModelType.SOFTMAX, 20, 4, 0.1, List.of()));
        assertThat(softmax.numParams()).isEqualTo(4 * 21);
        assertThat(softmax.layers()).isEqualTo(1);
        assertThat(softmax.layerSizes()).containsExactly(20, 4);
        assertThat(softmax.layerOffset(1)).isEqualTo(84);
        assertThat(new ModelSpec(ModelType.LOGISTIC, 5, 2, 0.0).numParams()).isEqualTo(6);
        assertThat(new ModelSpec(ModelType.LINEAR, 5, 0, 0.0).layerSizes()).containsExactly(5, 1);
    }

    @Test
    void mlp_oneHiddenLayer_sumOfLayerSizesAndOffsets() {
        ModelSpec spec = new ModelSpec(ModelType.MLP, 10, 3, 0.0, List.of(8));

        // (10 + 1) * 8 + (8 + 1) * 3 = 88 + 27
        assertThat(spec.numParams()).isEqualTo(115);
        assertThat(spec.outputs()).isEqualTo(3);
        assertThat(spec.isClassifier()).isTrue();
        assertThat(spec.layers()).isEqualTo(2);
        assertThat(spec.layerSizes()).containsExactly(10, 8, 3);
        assertThat(spec.layerOffset(0)).isZero();
        assertThat(spec.layerOffset(1)).isEqualTo(88);
        assertThat(spec.layerOffset(2)).isEqualTo(115);
    }

    @Test
    void mlp_twoHiddenLayers_sumOfLayerSizesAndOffsets() {
        ModelSpec spec = new ModelSpec(ModelType.MLP, 4, 2, 0.5, List.of(6, 5));

        // (4 + 1) * 6 + (6 + 1) * 5 + (5 + 1) * 2 = 30 + 35 + 12
        assertThat(spec.numParams()).isEqualTo(77);
        assertThat(spec.layerSizes()).containsExactly(4, 6, 5, 2);
        assertThat(spec.layerOffset(1)).isEqualTo(30);
        assertThat(spec.layerOffset(2)).isEqualTo(65);
        assertThat(spec.layerOffset(3)).isEqualTo(77);
        assertThatThrownBy(() -> spec.layerOffset(4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("layer must be in [0, 3], got 4");
    }

    @Test
    void hidden_mutableListGiven_specKeepsItsOwnCopy() {
        List<Integer> sizes = new ArrayList<>(List.of(3));
        ModelSpec spec = new ModelSpec(ModelType.MLP, 2, 2, 0.0, sizes);

        sizes.set(0, 99);

        assertThat(spec.hidden()).containsExactly(3);
        assertThatThrownBy(() -> spec.hidden().add(1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void mlp_invalidShapes_throwNamingTheProblem() {
        assertThatThrownBy(() -> new ModelSpec(ModelType.MLP, 2, 3, 0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mlp needs 1 or 2 hidden layers, got []");
        assertThatThrownBy(() -> new ModelSpec(ModelType.MLP, 2, 3, 0.0, List.of(4, 4, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mlp needs 1 or 2 hidden layers, got [4, 4, 4]");
        assertThatThrownBy(() -> new ModelSpec(ModelType.MLP, 2, 3, 0.0, List.of(4, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hidden layer sizes must be >= 1, got [4, 0]");
        assertThatThrownBy(() -> new ModelSpec(ModelType.MLP, 2, 3, 0.0, Arrays.asList(4, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hidden layer sizes must be >= 1, got [4, null]");
        assertThatThrownBy(() -> new ModelSpec(ModelType.MLP, 2, 1, 0.0, List.of(4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mlp needs classes >= 2, got 1");
        assertThatThrownBy(() -> new ModelSpec(ModelType.MLP, 2, 3, 0.0, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hidden is required (an empty list for the linear types)");
        // (100000 + 1) * 30000 parameters in the first layer alone
        assertThatThrownBy(() -> new ModelSpec(ModelType.MLP, 100_000, 2, 0.0, List.of(30_000)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mlp has 3000090002 parameters, more than the 2147483639 an array can hold");
    }

    @Test
    void linearType_withHiddenLayers_throws() {
        assertThatThrownBy(() -> new ModelSpec(ModelType.SOFTMAX, 2, 3, 0.0, List.of(4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hidden must be empty for a SOFTMAX model, got [4]");
    }

    @Test
    void serializedCopy_mlpSpec_equalsOriginal() throws Exception {
        ModelSpec original = new ModelSpec(ModelType.MLP, 20, 4, 0.01, List.of(16, 8));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(original);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            ModelSpec copy = (ModelSpec) in.readObject();

            assertThat(copy).isEqualTo(original).isNotSameAs(original);
            assertThat(copy.numParams()).isEqualTo(original.numParams());
        }
    }
}
