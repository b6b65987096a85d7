package org.fedflink.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.fedflink.bench.BenchCase.Workload;

/** The catalogue of benchmark cases and the selection of some by name. */
public final class BenchCases {

    private BenchCases() {}

    /** Every case, in the order a full run goes through them. */
    public static final List<BenchCase> ALL = List.of(
            new BenchCase("softmax-p1", Workload.SOFTMAX, 1, 0, 480_000, 60_000),
            new BenchCase("softmax-p2", Workload.SOFTMAX, 2, 0, 600_000, 60_000),
            new BenchCase("logistic-p1", Workload.LOGISTIC, 1, 0, 1_800_000, 60_000),
            new BenchCase("logistic-p2", Workload.LOGISTIC, 2, 0, 2_400_000, 60_000),
            new BenchCase("sparse-p1", Workload.SPARSE, 1, 0, 200_000, 20_000),
            new BenchCase("sparse-p2", Workload.SPARSE, 2, 0, 200_000, 20_000),
            new BenchCase("sources-100", Workload.SOURCES, 2, 100, 6_000_000, 100_000),
            new BenchCase("sources-100k", Workload.SOURCES, 2, 100_000, 1_200_000, 100_000));

    /** The names of all cases, comma-separated. */
    public static String names() {
        return ALL.stream().map(BenchCase::name).collect(Collectors.joining(", "));
    }

    /**
     * The cases named, in catalogue order and each once; every case when {@code names} is empty.
     *
     * @throws IllegalArgumentException naming the unknown case and the known ones
     */
    public static List<BenchCase> select(List<String> names) {
        if (names == null || names.isEmpty()) {
            return ALL;
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (String name : names) {
            String n = name == null ? "" : name.trim();
            if (ALL.stream().noneMatch(c -> c.name().equals(n))) {
                throw new IllegalArgumentException("unknown case '" + n + "' (the cases are: " + names() + ")");
            }
            wanted.add(n);
        }
        List<BenchCase> selected = new ArrayList<>();
        for (BenchCase c : ALL) {
            if (wanted.contains(c.name())) {
                selected.add(c);
            }
        }
        return selected;
    }
}
