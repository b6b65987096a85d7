package org.fedflink.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;

/**
 * A headless Debian {@code chromium} driven over the Chrome DevTools Protocol (a WebSocket, with
 * {@code java.net.http}), for tests that must see what a real browser does with a page: uncaught
 * exceptions, console errors, network requests, and the pixels drawn.
 *
 * <p>Errors are collected from the moment the domains are enabled, before any navigation, so an
 * error thrown while the page loads is not missed. Every wait is bounded, and {@link #close()} kills
 * the browser and its child processes (also from a shutdown hook, should the test JVM be stopped).
 */
final class HeadlessChrome implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    /** The longest any single step (start, a call, a page load) may take. */
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Thread killer;
    private WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicReference<CompletableFuture<Void>> loaded = new AtomicReference<>(new CompletableFuture<>());

    private HeadlessChrome(Process process) {
        this.process = process;
        this.killer = new Thread(this::kill, "kill-chromium");
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /**
     * Starts chromium with its profile and log in {@code workDir} and connects to its page. Fails
     * (does not skip) when chromium is not installed: the browser tests are part of the build.
     */
    static HeadlessChrome launch(Path workDir) throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new AssertionError("chromium not found at " + CHROMIUM
                    + ": install the 'chromium' package (apt-get install chromium) to run the browser tests");
        }
        Path profile = Files.createDirectories(workDir.resolve("profile"));
        Path log = workDir.resolve("chromium.log");
        Process process = new ProcessBuilder(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox", // as root, chromium refuses to start with its sandbox
                "--disable-gpu",
                "--user-data-dir=" + profile,
                "--remote-debugging-port=0", // chromium picks a free port and writes it to DevToolsActivePort
                "--remote-allow-origins=*",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--mute-audio",
                "--force-device-scale-factor=1",
                "--window-size=1280,1000",
                "about:blank")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        HeadlessChrome chrome = new HeadlessChrome(process);
        try {
            chrome.connect(profile.resolve("DevToolsActivePort"), log);
            chrome.call("Page.enable");
            chrome.call("Runtime.enable");
            chrome.call("Log.enable");
            chrome.call("Network.enable");
            return chrome;
        } catch (Exception | AssertionError e) {
            chrome.close();
            throw e;
        }
    }

    private void connect(Path portFile, Path log) throws Exception {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        List<String> lines = List.of();
        while (lines.size() < 2) {
            if (!process.isAlive()) {
                throw new AssertionError("chromium exited with code " + process.exitValue() + " before it listened: "
                        + tail(log));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("chromium wrote no DevToolsActivePort within " + STEP_TIMEOUT + ": " + tail(log));
            }
            Thread.sleep(50);
            lines = Files.exists(portFile) ? Files.readAllLines(portFile) : List.of();
        }
        int port = Integer.parseInt(lines.get(0).strip());
        HttpClient http = HttpClient.newBuilder().connectTimeout(STEP_TIMEOUT).build();
        String pageSocket = null;
        while (pageSocket == null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("chromium listed no page target within " + STEP_TIMEOUT);
            }
            HttpResponse<String> list = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                            .timeout(STEP_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode target : JSON.readTree(list.body())) {
                if ("page".equals(target.path("type").asText())) {
                    pageSocket = target.path("webSocketDebuggerUrl").asText();
                    break;
                }
            }
            if (pageSocket == null) {
                Thread.sleep(50);
            }
        }
        socket = http.newWebSocketBuilder()
                .connectTimeout(STEP_TIMEOUT)
                .buildAsync(URI.create(pageSocket), new Listener())
                .get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Sends a CDP command and waits for its result (an error answer fails the test). */
    JsonNode call(String method, Object... keyValues) throws Exception {
        ObjectNode params = JSON.createObjectNode();
        for (int i = 0; i < keyValues.length; i += 2) {
            params.set((String) keyValues[i], JSON.valueToTree(keyValues[i + 1]));
        }
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        synchronized (this) { // one send at a time (a dialog is answered from another thread)
            socket.sendText(JSON.writeValueAsString(message), true).get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        try {
            return answer.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("chromium did not answer " + method + " within " + STEP_TIMEOUT);
        } catch (ExecutionException e) {
            throw new AssertionError(method + " failed: " + e.getCause().getMessage());
        } finally {
            pending.remove(id);
        }
    }

    /**
     * Opens {@code file} and waits for its load event, then for {@code readyExpression} (if not null)
     * to be true. Errors and requests collected so far are cleared first.
     */
    void open(Path file, String readyExpression) throws Exception {
        errors.clear();
        requests.clear();
        loaded.set(new CompletableFuture<>());
        JsonNode nav = call("Page.navigate", "url", file.toUri().toString());
        if (nav.hasNonNull("errorText")) {
            throw new AssertionError("navigation to " + file + " failed: " + nav.get("errorText").asText());
        }
        try {
            loaded.get().get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("page " + file + " did not load within " + STEP_TIMEOUT);
        }
        if (readyExpression != null) {
            long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
            while (!evaluate(readyExpression).asBoolean(false)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("page " + file + " never became ready (" + readyExpression + "); errors: "
                            + errors);
                }
                Thread.sleep(50);
            }
        }
    }

    /** Evaluates {@code expression} in the page (awaiting a promise) and returns its JSON value. */
    JsonNode evaluate(String expression) throws Exception {
        JsonNode result = call("Runtime.evaluate", "expression", expression, "returnByValue", true,
                "awaitPromise", true);
        if (result.has("exceptionDetails")) {
            throw new AssertionError("evaluating '" + expression + "' threw: "
                    + result.path("exceptionDetails").path("exception").path("description").asText());
        }
        return result.path("result").path("value");
    }

    /** Sets the viewport (CSS pixels, device scale 1) and waits for two frames, so layout and paint follow. */
    void viewport(int width, int height) throws Exception {
        call("Emulation.setDeviceMetricsOverride", "width", width, "height", height, "deviceScaleFactor", 1,
                "mobile", false);
        evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))");
    }

    /** A PNG screenshot of the viewport, decoded. */
    BufferedImage screenshot() throws Exception {
        JsonNode shot = call("Page.captureScreenshot", "format", "png");
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(shot.path("data").asText())));
    }

    /** Uncaught exceptions, console errors/asserts, browser log errors and dialogs since the last {@link #open}. */
    List<String> errors() {
        return List.copyOf(errors);
    }

    /** URLs the page requested since the last {@link #open}. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            // the JVM is shutting down; the hook runs anyway
        }
    }

    private void kill() {
        if (socket != null) {
            socket.abort();
        }
        // only the processes this object started: chromium and its children (renderer, gpu, ...)
        List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void onMessage(JsonNode message) {
        if (message.has("id")) {
            CompletableFuture<JsonNode> answer = pending.get(message.get("id").asInt());
            if (answer != null) {
                if (message.has("error")) {
                    answer.completeExceptionally(new IllegalStateException(message.get("error").toString()));
                } else {
                    answer.complete(message.path("result"));
                }
            }
            return;
        }
        JsonNode params = message.path("params");
        switch (message.path("method").asText()) {
            case "Runtime.exceptionThrown" -> {
                JsonNode details = params.path("exceptionDetails");
                String description = details.path("exception").path("description").asText(details.path("text").asText());
                errors.add("uncaught exception: " + description.lines().findFirst().orElse(description));
            }
            case "Runtime.consoleAPICalled" -> {
                String type = params.path("type").asText();
                if (type.equals("error") || type.equals("assert")) {
                    StringBuilder text = new StringBuilder("console." + type + ":");
                    for (JsonNode arg : params.path("args")) {
                        text.append(' ').append(arg.has("value") ? arg.get("value").asText() : arg.path("description").asText());
                    }
                    errors.add(text.toString());
                }
            }
            case "Log.entryAdded" -> {
                JsonNode entry = params.path("entry");
                if (entry.path("level").asText().equals("error")) {
                    errors.add("log (" + entry.path("source").asText() + "): " + entry.path("text").asText() + " "
                            + entry.path("url").asText(""));
                }
            }
            case "Page.javascriptDialogOpening" -> {
                errors.add("dialog opened: " + params.path("type").asText() + " " + params.path("message").asText());
                // answer it from another thread: this one delivers the answer
                CompletableFuture.runAsync(() -> {
                    try {
                        call("Page.handleJavaScriptDialog", "accept", true);
                    } catch (Exception e) {
                        errors.add("could not dismiss dialog: " + e.getMessage());
                    }
                });
            }
            case "Network.requestWillBeSent" -> requests.add(params.path("request").path("url").asText());
            case "Page.loadEventFired" -> loaded.get().complete(null);
            default -> {
                // other events are not needed
            }
        }
    }

    /** Reassembles fragmented text frames (screenshots arrive in many) into CDP messages. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder buffer = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            buffer.append(data);
            if (last) {
                String text = buffer.toString();
                buffer.setLength(0);
                try {
                    onMessage(JSON.readTree(text));
                } catch (IOException e) {
                    errors.add("unreadable devtools message: " + e.getMessage());
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
