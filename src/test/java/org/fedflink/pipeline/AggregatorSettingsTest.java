package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.util.InstantiationUtil;
import org.fedflink.drift.DriftSettings;
import org.fedflink.federation.DpAccounting;
import org.fedflink.federation.ShardLayout;
import org.fedflink.federation.Strategies;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
import org.junit.jupiter.api.Test;

class AggregatorSettingsTest {

    private static final ModelSpec MODEL = new ModelSpec(ModelType.LOGISTIC, 4, 2, 0);

    @Test
    void builder_defaultsToKeepingEveryUpdateWithNothingOptionalOn() {
        AggregatorSettings settings = AggregatorSettings.builder(Strategies.fedAvg(1.0), MODEL, "loop")
                .windowExamples(100)
                .build();

        assertThat(settings.layout()).isEqualTo(new ShardLayout(MODEL.numParams(), 1));
        assertThat(settings.updatesPerRound()).isZero();
        assertThat(settings.timeoutMillis()).isZero();
        assertThat(settings.trainerParallelism()).isEqualTo(1);
        assertThat(settings.maxStaleness()).isZero();
        assertThat(settings.dpAccounting()).isEmpty();
        assertThat(settings.minSources()).isEqualTo(1);
        assertThat(settings.reputationDecay()).isEmpty();
        assertThat(settings.drift()).isEqualTo(DriftSettings.none());
    }

    @Test
    void build_withValuesOutOfRange_fails() {
        assertThatThrownBy(() -> AggregatorSettings.builder(Strategies.fedAvg(1.0), MODEL, "loop").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("windowExamples must be at least 1, got 0");
        assertThatThrownBy(() -> AggregatorSettings.builder(Strategies.fedAvg(1.0), MODEL, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("loopId is required, got null");
        assertThatThrownBy(() -> new DpAccounting(Double.NaN, 1e-5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("noiseMultiplier must be finite");
        assertThatThrownBy(() -> new DpAccounting(1.0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delta must be in (0, 1), got 0.0");
    }

    /** The settings go to the operators with the job graph, by Java serialization, optional parts and all. */
    @Test
    void serialization_andToBuilder_keepEverySetting() throws Exception {
        AggregatorSettings settings = AggregatorSettings.builder(Strategies.dpFixedClipping(1.0, 0.8, 1), MODEL, "loop")
                .layout(new ShardLayout(MODEL.numParams(), 2))
                .updatesPerRound(4)
                .timeoutMillis(1000)
                .trainerParallelism(3)
                .windowExamples(100)
                .initSeed(9)
                .maxStaleness(2)
                .dpAccounting(new DpAccounting(0.8, 1e-5))
                .minSources(2)
                .reputationDecay(0.9)
                .drift(new DriftSettings(DriftSettings.adwin(0.002), false, true))
                .build();

        for (AggregatorSettings copy : new AggregatorSettings[] {InstantiationUtil.clone(settings),
                settings.toBuilder().build()}) {
            assertThat(copy).usingRecursiveComparison().isEqualTo(settings);
            assertThat(copy.dpAccounting()).contains(new DpAccounting(0.8, 1e-5));
            assertThat(copy.reputationDecay()).hasValue(0.9);
        }
    }
}
