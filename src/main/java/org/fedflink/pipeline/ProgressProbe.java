package org.fedflink.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.JobID;

/**
 * Builds the progress line of a running job: records read (the ingest operator's counter, summed
 * over subtasks through Flink's REST API, so it works for any cluster), the rate since the last
 * line, and each task's newest global version with its holdout accuracy (from its {@code metrics.csv}).
 */
final class ProgressProbe {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI rest;
    private final JobID job;
    private final Path outDir;
    /** The folder of each task's {@code metrics.csv}, by task name ({@code ""} for a single-task job). */
    private final java.util.Map<String, Path> taskDirs;
    private final long startMillis;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private String vertexId;
    private String metricId;
    private long lastRead;
    private long lastMillis;

    ProgressProbe(URI rest, JobID job, Path outDir, java.util.Map<String, Path> taskDirs, long startMillis) {
        this.rest = rest;
        this.job = job;
        this.outDir = outDir;
        this.taskDirs = taskDirs;
        this.startMillis = startMillis;
        this.lastMillis = startMillis;
    }

    /** Name of the throughput samples file in the run folder. */
    static final String THROUGHPUT_FILE = "throughput.csv";

    /**
     * Samples the job's progress, appends it to {@code throughput.csv} ({@code elapsedMillis,examplesRead})
     * and returns a progress line for a person.
     */
    String sample() {
        long now = System.currentTimeMillis();
        long read = recordsRead();
        if (read >= 0) {
            record(now - startMillis, read);
        }
        double rate = now > lastMillis && read >= lastRead ? (read - lastRead) * 1000.0 / (now - lastMillis) : 0;
        lastRead = Math.max(read, lastRead);
        lastMillis = now;
        StringBuilder models = new StringBuilder();
        taskDirs.forEach((task, dir) -> {
            String[] latest = latestMetrics(dir);
            String version = latest == null ? "-" : "v" + latest[0];
            String accuracy = latest == null || latest.length < 6 || latest[5].isEmpty() ? "-" : latest[5];
            models.append("  ").append(task.isEmpty() ? "global" : task).append(' ').append(version)
                    .append(" holdout accuracy ").append(accuracy);
        });
        return String.format(Locale.ROOT, "[%6.1fs] examples read %,d (%,.0f/s)%s",
                (now - startMillis) / 1000.0, Math.max(read, 0), rate, models);
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

    private long recordsRead() {
        try {
            if (vertexId == null) {
                for (JsonNode v : get("/jobs/" + job).path("vertices")) {
                    if (v.path("name").asText().contains("ingest")) {
                        vertexId = v.path("id").asText();
                    }
                }
            }
            if (vertexId == null) {
                return -1;
            }
            String base = "/jobs/" + job + "/vertices/" + vertexId + "/subtasks/metrics";
            if (metricId == null) {
                for (JsonNode m : get(base)) {
                    if (m.path("id").asText().endsWith(".recordsRead")) {
                        metricId = m.path("id").asText();
                    }
                }
            }
            if (metricId == null) {
                return -1;
            }
            JsonNode values = get(base + "?agg=sum&get=" + URLEncoder.encode(metricId, StandardCharsets.UTF_8));
            return values.size() > 0 ? (long) values.get(0).path("sum").asDouble() : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(rest.resolve(path)).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static String[] latestMetrics(Path dir) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("metrics.csv"));
            return lines.size() > 1 ? lines.get(lines.size() - 1).split(",", -1) : null;
        } catch (Exception e) {
            return null;
        }
    }
}
