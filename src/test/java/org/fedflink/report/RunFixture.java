package org.fedflink.report;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.fedflink.eval.HoldoutColumns;

/**
 * Writes run folders for the report tests: a "full" run with every file and column the report
 * knows (including the planned ones and two named holdouts, {@link #HOLDOUTS}), and a "minimal" one
 * with only the files and columns of the first runs. Values are deterministic (fixed seed).
 */
final class RunFixture {

    /** A job name that would break out of a script element and run code if it were not escaped. */
    static final String HOSTILE_JOB = "</script><img src=x onerror=alert(1)>";

    /** A source name that would run code if it reached the page as HTML. */
    static final String HOSTILE_SOURCE = "<img src=x onerror=\"window.pwned=1\">";

    static final String TODAY_HEADER = "version,createdMillis,samplesInModel,sourcesInModel,rounds,holdoutAccuracy,"
            + "holdoutLoss,prequentialAccuracy,prequentialLoss,roundStaleness";

    static final int VERSIONS = 50;

    /** Holdout metrics are written on every HOLDOUT_EVERY-th version (and the first), blank otherwise. */
    static final int HOLDOUT_EVERY = 5;

    static final int SOURCES = 30;

    /** The named holdouts of the full run: "early" scores about as the primary, "late" 0.2 lower. */
    static final List<String> HOLDOUTS = List.of("early", "late");

    private RunFixture() {}

    static Path fullRun(Path dir, String job) throws IOException {
        Files.createDirectories(dir.resolve("baseline"));
        write(dir.resolve("summary.json"), summary(job, true, true));
        write(dir.resolve("metrics.csv"), metrics(VERSIONS, true, 0.0, true));
        write(dir.resolve("baseline/metrics.csv"), metrics(VERSIONS - 2, true, 0.01, false));
        write(dir.resolve("throughput.csv"), throughput());
        write(dir.resolve("sources.csv"), sources());
        return dir;
    }

    /** Only the files and columns a run writes today: no throughput.csv, sources.csv or new columns. */
    static Path minimalRun(Path dir, boolean baseline) throws IOException {
        Files.createDirectories(dir);
        write(dir.resolve("summary.json"), summary("minimal", baseline, false));
        write(dir.resolve("metrics.csv"), metrics(VERSIONS, false, 0.0, true));
        if (baseline) {
            Files.createDirectories(dir.resolve("baseline"));
            write(dir.resolve("baseline/metrics.csv"), metrics(VERSIONS, false, 0.01, false));
        }
        return dir;
    }

    /** @param recent with the fields of later runs: named holdouts and the time to accuracy */
    static String summary(String job, boolean baseline, boolean recent) {
        String quoted = new String(JsonStringEncoder.getInstance().quoteAsString(job));
        return """
                {
                  "job" : "%s",
                  "status" : "FINISHED",
                  "mode" : "fedavg",
                  "examples" : 200000,
                  "invalid" : 167,
                  "sources" : %d,
                  "globalVersion" : %d,
                  "rounds" : %d,
                  "samplesInModel" : 199833,
                  "wallSeconds" : 12.5,
                  "examplesPerSecond" : 16000.0,
                  "metrics" : {
                    "prequentialAccuracy" : 0.9405,
                    "holdoutAccuracy" : 0.9185,
                    "holdoutLoss" : 0.2329,
                    "holdoutExamples" : 2000%s
                  }%s
                }
                """.formatted(quoted, SOURCES, VERSIONS, VERSIONS, recent ? """
                ,
                    "holdouts" : {
                      "early" : { "examples" : 500, "accuracy" : 0.9101, "loss" : 0.25 },
                      "late" : { "examples" : 500, "accuracy" : 0.7123, "loss" : 0.61 }
                    }
                  },
                  "timeToAccuracy" : {
                    "95" : { "examples" : 12000, "seconds" : 3.25 },
                    "99" : null""" : "", baseline ? """
                ,
                  "baseline" : {
                    "mode" : "centralized",
                    "holdoutAccuracy" : 0.9195,
                    "holdoutLoss" : 0.2310,
                    "prequentialAccuracy" : 0.9146
                  }""" : "");
    }

    /**
     * A metrics.csv of {@code versions} rows; {@code planned} adds the columns the integrator is
     * adding (in a different order than today's, to prove lookup by name), {@code rounds} the round
     * participation columns (federated only).
     */
    static String metrics(int versions, boolean planned, double offset, boolean rounds) {
        Random random = new Random(42);
        StringBuilder out = new StringBuilder();
        out.append(planned ? "windowPrequentialAccuracy," : "").append(TODAY_HEADER)
                .append(planned ? ",holdoutMacroF1" : "")
                .append(planned && rounds ? ",roundUpdates,roundSources" : "")
                .append(planned ? "," + String.join(",", HoldoutColumns.columns(HOLDOUTS)) : "")
                .append('\n');
        for (int v = 1; v <= versions; v++) {
            double progress = 1 - Math.exp(-v / 10.0);
            boolean scored = v == 1 || v % HOLDOUT_EVERY == 0;
            double acc = 0.6 + 0.3 * progress + offset;
            if (planned) {
                out.append(fmt(acc - 0.02 + 0.04 * random.nextDouble())).append(',');
            }
            out.append(v).append(',').append(1_700_000_000_000L + 100L * v).append(',').append(800 * v).append(",20,")
                    .append(v).append(',')
                    .append(scored ? fmt(acc - 0.01) : "").append(',')
                    .append(scored ? fmt(1.0 - 0.7 * progress - offset) : "").append(',')
                    .append(fmt(acc)).append(',').append(fmt(0.9 - 0.6 * progress)).append(',')
                    .append(fmt(random.nextDouble() * 2));
            if (planned) {
                out.append(',').append(scored ? fmt(acc - 0.03) : "");
                if (rounds) {
                    out.append(',').append(38 + random.nextInt(5)).append(',').append(15 + random.nextInt(6));
                }
                // the named holdouts, as the model writer writes them: every figure, blank where none applies
                for (double shift : new double[] {0.0, 0.2}) {
                    out.append(',').append(scored ? fmt(acc - 0.01 - shift) : "")
                            .append(',').append(scored ? fmt(1.0 - 0.7 * progress - offset + shift) : "")
                            .append(',').append(scored ? fmt(acc - 0.03 - shift) : "")
                            .append(",,,");
                }
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** Samples every 2 s; the rate ramps up, dips, recovers. */
    static String throughput() {
        StringBuilder out = new StringBuilder("elapsedMillis,examplesRead\n");
        long read = 0;
        for (int i = 0; i <= 20; i++) {
            out.append(2000L * i).append(',').append(read).append('\n');
            read += (i < 3 ? 10_000L * (i + 1) : i == 10 ? 5_000L : 30_000L);
        }
        return out.toString();
    }

    /** Per-source accuracies around 0.9 with a few weak sources; names need CSV quoting and HTML escaping. */
    static String sources() {
        Random random = new Random(7);
        StringBuilder out = new StringBuilder("source,samples,prequentialAccuracy,invalid\n");
        for (int i = 0; i < SOURCES; i++) {
            String name = switch (i) {
                case 0 -> "\"" + HOSTILE_SOURCE.replace("\"", "\"\"") + "\"";
                case 1 -> "\"south, \"\"east\"\"\"";
                default -> "source-" + i;
            };
            double acc = i < 3 ? 0.55 + 0.05 * i : 0.85 + 0.1 * random.nextDouble();
            out.append(name).append(',').append(5000 + 100 * i).append(',').append(fmt(acc)).append(',').append(i % 3)
                    .append('\n');
        }
        return out.toString();
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
