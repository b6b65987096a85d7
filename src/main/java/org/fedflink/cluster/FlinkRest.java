package org.fedflink.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A small client of Flink's REST API (the one the Web UI uses) over one or more JobManager
 * endpoints. With high availability every JobManager serves REST and a standby forwards to the
 * leader, but a dead one does not answer and a standby answers HTTP 5xx while the leadership is
 * vacant: each call tries the endpoints in turn, starting with the last one that answered.
 */
public final class FlinkRest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<URI> endpoints;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile int preferred;

    /** A client of the JobManagers answering at {@code endpoints} (e.g. {@code http://127.0.0.1:8081}). */
    public FlinkRest(List<URI> endpoints) {
        if (Objects.requireNonNull(endpoints, "endpoints").isEmpty()) {
            throw new IllegalArgumentException("endpoints must not be empty");
        }
        this.endpoints = List.copyOf(endpoints);
    }

    public static FlinkRest of(URI endpoint) {
        return new FlinkRest(List.of(endpoint));
    }

    /** The endpoints, the one that answered last first. */
    public List<URI> endpoints() {
        return endpoints;
    }

    /** The endpoint that answered last (the first one before any call). */
    public URI current() {
        return endpoints.get(preferred);
    }

    /** GET {@code path} (e.g. {@code /overview}) as JSON. */
    public JsonNode get(String path) throws IOException {
        return send("GET", path, null);
    }

    /** POST a JSON body to {@code path}. */
    public JsonNode post(String path, JsonNode body) throws IOException {
        return send("POST", path, body);
    }

    /** PATCH {@code path} without a body (Flink cancels a job with {@code PATCH /jobs/:id?mode=cancel}). */
    public JsonNode patch(String path) throws IOException {
        return send("PATCH", path, null);
    }

    /** The state of a job ({@code RUNNING}, {@code FINISHED}, ...). */
    public String jobState(String jobId) throws IOException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    private JsonNode send(String method, String path, JsonNode body) throws IOException {
        IOException last = null;
        int start = preferred;
        for (int i = 0; i < endpoints.size(); i++) {
            int index = (start + i) % endpoints.size();
            URI uri = endpoints.get(index).resolve(path);
            HttpRequest.BodyPublisher publisher = body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8);
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .method(method, publisher)
                    .build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2) {
                    preferred = index;
                    String text = response.body();
                    return text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
                }
                last = new RestException(response.statusCode(), method + " " + uri + " answered HTTP "
                        + response.statusCode() + ": " + errors(response.body()));
                if (response.statusCode() / 100 == 4) {
                    throw last; // the request itself is wrong (unknown job, ...): another endpoint says the same
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while calling " + uri, e);
            } catch (RestException e) {
                throw e;
            } catch (IOException e) {
                last = new IOException(method + " " + uri + " failed: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
            }
        }
        throw last;
    }

    /** The first line of Flink's {@code errors} array, or the body's first line. */
    private static String errors(String body) {
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                return errors.get(0).asText().lines().findFirst().orElse("");
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: fall through
        }
        return body == null ? "" : body.lines().findFirst().orElse("");
    }

    /** An HTTP error answer (the status is in {@link #status()}). */
    public static final class RestException extends IOException {
        private final int status;

        RestException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
