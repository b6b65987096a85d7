package org.fedflink.data;

import org.fedflink.model.ModelType;

/** Generator configurations shared by the tests. */
final class TestConfigs {

    private TestConfigs() {}

    /** Like the quickstart job: 20 features, 4 classes, 20 sources, moderate skew and shift. */
    static SyntheticGenerator.Config quickstart() {
        return softmax(20, 4, 20, 0.5, 0.5, 3.0, 1.0, 0.01, 42L);
    }

    static SyntheticGenerator.Config softmax(
            int features, int classes, int sources, double labelSkew, double featureShift,
            double classSeparation, double noise, double corruptFraction, long seed) {
        return new SyntheticGenerator.Config(ModelType.SOFTMAX, features, classes, sources, labelSkew, featureShift,
                classSeparation, noise, corruptFraction, 10L, 1_700_000_000_000L, seed);
    }

    static SyntheticGenerator.Config of(ModelType type, int features, int classes, double corruptFraction, long seed) {
        return new SyntheticGenerator.Config(type, features, classes, 10, 0.5, 0.5, 3.0, 1.0, corruptFraction, 10L,
                1_700_000_000_000L, seed);
    }
}
