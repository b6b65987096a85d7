package org.fedflink.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FormatTest {

    @Test
    void durations_readNaturally() {
        assertThat(Format.duration(2.494)).isEqualTo("2.5 s");
        assertThat(Format.duration(187)).isEqualTo("3 min 07 s");
        assertThat(Format.duration(3720)).isEqualTo("1 h 02 min");
    }
}
