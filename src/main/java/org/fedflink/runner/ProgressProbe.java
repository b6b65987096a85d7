package org.fedflink.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.api.common.JobID;
import org.fedflink.artifact.RunFolder;
import org.fedflink.eval.HoldoutColumns;

/**
 * Builds the progress line of a running job: examples read since the job began, the rate since the
 * last line, and each task's newest global version with the newest holdout figure scored (from its
 * {@code metrics.csv}).
 *
 * <p>Examples read come from the ingest operator's gauge {@code recordsReadTotal} (summed over
 * subtasks through Flink's REST API, so it works for any cluster; jobs without the gauge fall back
 * on the counter {@code recordsRead}). Flink's counters start again at 0 with every attempt of a
 * job, the gauge does not: it is the ingest's checkpointed count. A restore still rolls it back to
 * its checkpoint (the records after it are read again), so the line shows the largest count seen
 * ({@link ReadCount}) and a rate that moves with it. The REST address may change while a job runs
 * (a JobManager failover): it is asked for on every sample.
 */
public final class ProgressProbe {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The ingest gauge of records read since the job began (restored counts included). */
    public static final String READ_TOTAL = "recordsReadTotal";
    /** Flink's counter of the records read by the current attempt. */
    public static final String READ_ATTEMPT = "recordsRead";

    /** How much of the end of a {@code metrics.csv} is read first to find its newest scored version. */
    static final int TAIL_BYTES = 64 * 1024;

    private final Supplier<URI> rest;
    private final JobID job;
    private final Path outDir;
    /** The folder of each task's {@code metrics.csv}, by task name ({@code ""} for a single-task job). */
    private final Map<String, Path> taskDirs;
    private final long startMillis;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ReadCount read;
    private String vertexId;
    /** Metric ids by their name (the part after the last dot), as the ingest vertex lists them. */
    private Map<String, String> metricIds;

    public ProgressProbe(Supplier<URI> rest, JobID job, Path outDir, Map<String, Path> taskDirs, long startMillis) {
        this.rest = rest;
        this.job = job;
        this.outDir = outDir;
        this.taskDirs = taskDirs;
        this.startMillis = startMillis;
        this.read = new ReadCount(startMillis);
    }

    /** Name of the throughput samples file in the run folder. */
    static final String THROUGHPUT_FILE = "throughput.csv";

    /**
     * Samples the job's progress, appends it to {@code throughput.csv} ({@code elapsedMillis,examplesRead})
     * and returns a progress line for a person.
     */
    public String sample() {
        long now = System.currentTimeMillis();
        long total = examplesRead();
        ReadCount.Reading reading = read.observe(now, total);
        if (total >= 0) {
            record(now - startMillis, reading.count());
        }
        StringBuilder models = new StringBuilder();
        taskDirs.forEach((task, dir) -> models.append("  ").append(task.isEmpty() ? "global" : task).append(' ')
                .append(Latest.read(dir.resolve(RunFolder.METRICS)).describe()));
        return String.format(Locale.ROOT, "[%6.1fs] examples read %,d (%,.0f/s)%s",
                (now - startMillis) / 1000.0, reading.count(), reading.perSecond(), models);
    }

    /** The examples-read figure of the last line. */
    public long examplesShown() {
        return read.shown();
    }

    /** Appends one throughput sample; progress reporting must never fail the run, so errors are ignored. */
    void record(long elapsedMillis, long examplesRead) {
        try {
            Path file = outDir.resolve(THROUGHPUT_FILE);
            String line = elapsedMillis + "," + examplesRead + "\n";
            if (!Files.exists(file)) {
                line = "elapsedMillis,examplesRead\n" + line;
            }
            Files.writeString(file, line, StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            // a missing sample only thins the throughput chart
        }
    }

    /** Records read since the job began, summed over the ingest subtasks; -1 when not known now. */
    private long examplesRead() {
        Map<String, Long> values = ingestMetrics(READ_TOTAL, READ_ATTEMPT);
        return values.getOrDefault(READ_TOTAL, values.getOrDefault(READ_ATTEMPT, -1L));
    }

    /**
     * The sums over the ingest subtasks of the named metrics that the job has, read in one request
     * (so from one snapshot of the job's metrics); empty when the REST API does not answer or the
     * ingest has not reported yet.
     */
    public Map<String, Long> ingestMetrics(String... names) {
        try {
            URI base = rest.get();
            if (vertexId == null) {
                for (JsonNode v : get(base, "/jobs/" + job).path("vertices")) {
                    if (v.path("name").asText().contains("ingest")) {
                        vertexId = v.path("id").asText();
                        break;
                    }
                }
            }
            if (vertexId == null) {
                return Map.of();
            }
            String path = "/jobs/" + job + "/vertices/" + vertexId + "/subtasks/metrics";
            if (metricIds == null || !metricIds.keySet().containsAll(List.of(names))) {
                // listed again until the ingest has registered them all (they appear when its tasks run)
                Map<String, String> ids = new HashMap<>();
                for (JsonNode m : get(base, path)) {
                    String id = m.path("id").asText();
                    ids.put(id.substring(id.lastIndexOf('.') + 1), id);
                }
                metricIds = ids;
            }
            List<String> wanted = new ArrayList<>();
            for (String name : names) {
                if (metricIds.containsKey(name)) {
                    wanted.add(metricIds.get(name));
                }
            }
            if (wanted.isEmpty()) {
                return Map.of();
            }
            JsonNode values = get(base, path + "?agg=sum&get="
                    + URLEncoder.encode(String.join(",", wanted), StandardCharsets.UTF_8));
            Map<String, Long> sums = new HashMap<>();
            for (JsonNode v : values) {
                String id = v.path("id").asText();
                if (v.has("sum")) {
                    sums.put(id.substring(id.lastIndexOf('.') + 1), (long) v.path("sum").asDouble());
                }
            }
            return sums;
        } catch (Exception e) {
            return Map.of();
        }
    }

    private JsonNode get(URI base, String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    /**
     * The examples-read figure and its rate: the largest total seen, so that a restore, which rolls
     * the ingest's count back to its checkpoint, never shows fewer examples than an earlier line; and
     * the rate at which that figure moved since the previous known total (0 while it stands still).
     * Not thread-safe.
     */
    static final class ReadCount {
        /**
         * How long the same total may come back before the rate shows 0: REST serves metrics from
         * a snapshot refreshed every few seconds (metrics.fetcher.update-interval), so one line may
         * see the total of the line before while the job reads on.
         */
        static final long STALE_MILLIS = 5_000;

        private long shown;
        private long lastMillis;
        private long lastTotal = -1;
        private double lastRate;

        ReadCount(long startMillis) {
            this.lastMillis = startMillis;
        }

        /**
         * @param nowMillis the time of the observation
         * @param total the records read since the job began, or -1 when unknown (the figure then
         *     stands, and the next known total's rate covers the whole gap)
         */
        Reading observe(long nowMillis, long total) {
            if (total < 0) {
                return new Reading(shown, 0);
            }
            if (total == lastTotal) {
                // the same snapshot again, most likely: the next new total's rate covers the gap
                return new Reading(shown, nowMillis - lastMillis < STALE_MILLIS ? lastRate : 0);
            }
            lastTotal = total;
            long before = shown;
            shown = Math.max(shown, total);
            double perSecond = nowMillis > lastMillis ? (shown - before) * 1000.0 / (nowMillis - lastMillis) : 0;
            lastMillis = nowMillis;
            lastRate = perSecond;
            return new Reading(shown, perSecond);
        }

        long shown() {
            return shown;
        }

        /** One line's figures: examples read and examples per second. */
        record Reading(long count, double perSecond) {}
    }

    /**
     * The newest version in a {@code metrics.csv} and the newest one that was scored on the holdout
     * (versions in between are not, see {@code evaluation.intervalMillis}), with its accuracy, or its
     * RMSE for regression.
     *
     * @param version the newest version, null when there is none yet
     * @param scored the newest scored version, null when none was scored yet
     * @param figure {@code accuracy} or {@code RMSE}
     * @param value the scored version's figure, as written
     */
    record Latest(String version, String scored, String figure, String value) {

        private static final Latest NONE = new Latest(null, null, null, null);

        /** "v12 holdout accuracy 0.9012", "v14 holdout accuracy 0.9012 (v12)", or dashes for what is not known. */
        String describe() {
            String line = (version == null ? "-" : "v" + version) + " holdout " + (figure == null ? "accuracy" : figure)
                    + " " + (value == null ? "-" : String.format(Locale.ROOT, "%.4f", Double.parseDouble(value)));
            return scored != null && !scored.equals(version) ? line + " (v" + scored + ")" : line;
        }

        /** Reads the end of {@code file} first and, when no scored version is there, the whole file. */
        static Latest read(Path file) {
            try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
                long length = in.length();
                String header = in.readLine();
                if (header == null) {
                    return NONE;
                }
                long body = in.getFilePointer();
                long from = Math.max(body, length - TAIL_BYTES);
                Latest latest = scan(header, tail(in, from, length), from > body);
                return latest.scored == null && from > body ? scan(header, tail(in, body, length), false) : latest;
            } catch (IOException | RuntimeException e) {
                return NONE;
            }
        }

        /** The complete lines of {@code [from, to)}: the last one only if it ends the file with a line break. */
        private static List<String> tail(RandomAccessFile in, long from, long to) throws IOException {
            byte[] bytes = new byte[(int) (to - from)];
            in.seek(from);
            in.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
        }

        /** @param cut whether the first line may be the end of a line cut by the tail */
        private static Latest scan(String header, List<String> lines, boolean cut) {
            List<String> columns = List.of(header.split(",", -1));
            int version = columns.indexOf("version");
            int accuracy = columns.indexOf(HoldoutColumns.primaryColumn("accuracy"));
            int rmse = columns.indexOf(HoldoutColumns.primaryColumn("rmse"));
            String newest = null;
            for (int i = lines.size() - 1; i >= (cut ? 1 : 0); i--) {
                String[] cells = lines.get(i).split(",", -1);
                if (cells.length != columns.size()) {
                    continue;
                }
                newest = newest == null ? cells[version] : newest;
                if (accuracy >= 0 && !cells[accuracy].isEmpty()) {
                    return new Latest(newest, cells[version], "accuracy", cells[accuracy]);
                }
                if (rmse >= 0 && !cells[rmse].isEmpty()) {
                    return new Latest(newest, cells[version], "RMSE", cells[rmse]);
                }
            }
            return new Latest(newest, null, null, null);
        }
    }
}
