package org.fedflink.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchCasesTest {

    @Test
    void noNames_selectsEveryCase() {
        assertThat(BenchCases.select(List.of())).isEqualTo(BenchCases.ALL);
        assertThat(BenchCases.ALL).extracting(BenchCase::name).containsExactly(
                "softmax-p1", "softmax-p2", "logistic-p1", "logistic-p2", "sparse-p1", "sparse-p2",
                "sources-100", "sources-100k");
    }

    @Test
    void selection_keepsCatalogueOrder_andEachCaseOnce() {
        List<BenchCase> selected = BenchCases.select(List.of("sources-100k", "softmax-p1", "sources-100k"));
        assertThat(selected).extracting(BenchCase::name).containsExactly("softmax-p1", "sources-100k");
    }

    @Test
    void unknownCase_isRefusedWithTheKnownNames() {
        assertThatThrownBy(() -> BenchCases.select(List.of("softmax-p1", "softmax-p3")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown case 'softmax-p3'")
                .hasMessageContaining("softmax-p1, softmax-p2, logistic-p1");
    }

    @Test
    void aCaseJvm_recordsItsOwnFlightRecording() {
        assertThat(Bench.childJvmArg("-Xmx4g", "softmax-p1")).isEqualTo("-Xmx4g");
        assertThat(Bench.childJvmArg("-XX:StartFlightRecording=filename=/tmp/x.jfr,settings=profile", "softmax-p1"))
                .isEqualTo("-XX:StartFlightRecording=filename=/tmp/x-softmax-p1.jfr,settings=profile");
        assertThat(Bench.childJvmArg("-XX:StartFlightRecording=duration=60s,filename=/tmp/x", "sparse-p2"))
                .isEqualTo("-XX:StartFlightRecording=duration=60s,filename=/tmp/x-sparse-p2.jfr");
    }

    @Test
    void cases_describeWhatTheyRun() {
        for (BenchCase c : BenchCases.ALL) {
            assertThat(c.examples(false)).isGreaterThan(c.examples(true));
            assertThat(c.name()).endsWith(c.workload() == BenchCase.Workload.SOURCES
                    ? (c.sources() == 100 ? "-100" : "-100k")
                    : "-p" + c.parallelism());
        }
        BenchCase c = BenchCases.ALL.get(0).withExamples(1234);
        assertThat(c.examples(true)).isEqualTo(1234);
        assertThat(c.examples(false)).isEqualTo(1234);
    }
}
