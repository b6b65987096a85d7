package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FileCadenceTest {

    @Test
    void intervalMillis_unset_isEveryVersionForASmallModelAndBySecondsForALargeOne() {
        assertThat(FileCadence.intervalMillis(null, 7_850)).isZero();
        assertThat(FileCadence.intervalMillis(null, FileCadence.SMALL_MODEL_PARAMS)).isZero();
        assertThat(FileCadence.intervalMillis(null, FileCadence.SMALL_MODEL_PARAMS + 1))
                .isEqualTo(FileCadence.LARGE_MODEL_INTERVAL_MILLIS);
        assertThat(FileCadence.intervalMillis(250L, 7_850)).isEqualTo(250);
        assertThat(FileCadence.intervalMillis(0L, 1 << 20)).isZero();
    }

    @Test
    void due_everyVersion_whenTheIntervalIsZero() {
        FileCadence cadence = new FileCadence(0);
        cadence.written(100);
        assertThat(cadence.everyVersion()).isTrue();
        assertThat(cadence.due(false, 100)).isTrue();
    }

    @Test
    void due_theFirst_thenOncePerInterval_andTheFinalVersionAlways() {
        FileCadence cadence = new FileCadence(1000);
        assertThat(cadence.due(false, 5)).isTrue();
        cadence.written(5);
        assertThat(cadence.due(false, 1004)).isFalse();
        assertThat(cadence.due(true, 1004)).isTrue();
        assertThat(cadence.due(false, 1005)).isTrue();
    }

    @Test
    void negativeInterval_isRejected() {
        assertThatThrownBy(() -> new FileCadence(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
