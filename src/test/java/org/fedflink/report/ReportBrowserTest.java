package org.fedflink.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a report in headless chromium and checks what a person would see: the page runs without
 * uncaught exceptions or console errors, fetches nothing, shows hostile names as text, and every
 * chart container holds a canvas on which the chart's series colours were actually drawn. The
 * negative controls prove the error capture and the pixel check can fail.
 *
 * <p>Needs the Debian {@code chromium} package; without it these tests fail (CI installs it).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReportBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final int WIDTH = 1280;

    /** Pixels of a series colour a drawn chart shows at least (a 2 px line across ~1100 px has thousands). */
    private static final int MIN_SERIES_PIXELS = 150;

    private static final String READY = "document.body && document.body.getAttribute('data-rendered') === 'true'";

    /** Geometry and content of every chart container on the page. */
    private static final String CHARTS = """
            JSON.stringify(Array.from(document.querySelectorAll('.chart')).map(function (box) {
              var canvas = box.querySelector('canvas');
              var r = canvas ? canvas.getBoundingClientRect() : null;
              return { id: box.id, canvas: !!canvas, svg: !!box.querySelector('svg'),
                       colors: (box.getAttribute('data-colors') || '').split(' ').filter(Boolean),
                       x: r ? r.left + window.scrollX : 0, y: r ? r.top + window.scrollY : 0,
                       w: r ? r.width : 0, h: r ? r.height : 0 };
            }))""";

    @TempDir
    static Path tmp;

    private static HeadlessChrome chrome;

    @BeforeAll
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    static void startBrowser() throws Exception {
        chrome = HeadlessChrome.launch(Files.createDirectories(tmp.resolve("chrome")));
    }

    @AfterAll
    static void stopBrowser() {
        if (chrome != null) {
            chrome.close();
        }
    }

    @Test
    void report_ofFullRun_rendersEveryChart_withoutErrors_orRequests() throws Exception {
        Path run = RunFixture.fullRun(tmp.resolve("run"), RunFixture.HOSTILE_JOB);
        Path report = RunReport.write(run);

        chrome.viewport(WIDTH, 1000);
        chrome.open(report, READY);
        int height = chrome.evaluate("document.documentElement.scrollHeight").asInt();
        chrome.viewport(WIDTH, height);

        assertThat(chrome.errors()).as("uncaught exceptions and console errors").isEmpty();
        assertThat(chrome.requests()).as("requests other than the report itself")
                .allMatch(url -> url.equals(report.toUri().toString()));

        // hostile names are text, not markup
        assertThat(chrome.evaluate("document.querySelector('h1').textContent").asText())
                .isEqualTo(RunFixture.HOSTILE_JOB);
        assertThat(chrome.evaluate("document.title").asText()).startsWith(RunFixture.HOSTILE_JOB);
        assertThat(chrome.evaluate("Array.from(document.querySelectorAll('td')).some(td => td.textContent === "
                + JSON.writeValueAsString(RunFixture.HOSTILE_SOURCE) + ")").asBoolean()).isTrue();
        assertThat(chrome.evaluate("document.images.length").asInt()).isZero();
        assertThat(chrome.evaluate("typeof window.pwned").asText()).isEqualTo("undefined");

        List<ChartBox> charts = charts();
        assertThat(charts).extracting(ChartBox::id).containsExactlyInAnyOrder(
                "model-holdoutAccuracy", "model-holdoutLoss", "model-holdoutMacroF1",
                "model-holdouts-0-accuracy", "model-holdouts-0-loss", "model-holdouts-0-macroF1",
                "model-holdouts-1-accuracy", "model-holdouts-1-loss", "model-holdouts-1-macroF1",
                "model-prequential", "model-participation", "run-throughput", "sources-histogram");
        BufferedImage shot = chrome.screenshot();
        if (System.getProperty("report.screenshot") != null) { // to look at it: -Dreport.screenshot=FILE.png
            ImageIO.write(shot, "png", Path.of(System.getProperty("report.screenshot")).toFile());
        }
        assertThat(shot.getHeight()).isGreaterThanOrEqualTo(height - 1);
        for (ChartBox chart : charts) {
            assertThat(chart.canvas()).as("%s holds a canvas", chart.id()).isTrue();
            assertThat(chart.w() * chart.h()).as("%s has an area", chart.id()).isGreaterThan(100 * 100);
            assertThat(chart.colors()).as("%s series colours", chart.id()).isNotEmpty();
            Ink any = ink(shot, chart, null);
            assertThat(any.distinct()).as("%s distinct colours", chart.id()).isGreaterThan(4);
            for (String color : chart.colors()) {
                assertThat(ink(shot, chart, color).matching())
                        .as("%s pixels drawn in series colour %s", chart.id(), color)
                        .isGreaterThanOrEqualTo(MIN_SERIES_PIXELS);
            }
        }
    }

    @Test
    void report_ofMinimalRun_rendersWithoutErrors() throws Exception {
        Path report = RunReport.write(RunFixture.minimalRun(tmp.resolve("minimal"), false));

        chrome.viewport(WIDTH, 1000);
        chrome.open(report, READY);

        assertThat(chrome.errors()).isEmpty();
        assertThat(charts()).extracting(ChartBox::id)
                .containsExactlyInAnyOrder("model-holdoutAccuracy", "model-holdoutLoss", "model-prequential");
        assertThat(charts()).allMatch(ChartBox::canvas);
        assertThat(chrome.evaluate("document.querySelectorAll('ul.notes li').length").asInt()).isGreaterThan(3);
    }

    /** The global drifts of metrics.csv are dashed vertical lines on the prequential chart, and only there. */
    @Test
    void report_marksGlobalDriftsOnThePrequentialChart() throws Exception {
        Path run = Files.createDirectories(tmp.resolve("drifting"));
        Files.writeString(run.resolve("summary.json"), "{\"job\": \"drifting\", \"status\": \"FINISHED\"}");
        StringBuilder csv = new StringBuilder("version,holdoutAccuracy,holdoutLoss,prequentialAccuracy,globalDrifts\n");
        for (int v = 1; v <= 50; v++) {
            int drifts = v < 20 ? 0 : v < 35 ? 1 : 2;
            double accuracy = v < 20 ? 0.9 : v < 35 ? 0.6 + 0.02 * (v - 20) : 0.7 + 0.01 * (v - 35);
            csv.append(v).append(",0.8,0.4,").append(accuracy).append(',').append(drifts).append('\n');
        }
        Files.writeString(run.resolve("metrics.csv"), csv);
        Path report = RunReport.write(run);

        chrome.viewport(WIDTH, 1000);
        chrome.open(report, READY);
        int height = chrome.evaluate("document.documentElement.scrollHeight").asInt();
        chrome.viewport(WIDTH, height);

        assertThat(chrome.errors()).isEmpty();
        assertThat(chrome.evaluate("document.getElementById('model-prequential').getAttribute('data-markers')")
                .asText()).isEqualTo("20 35");
        BufferedImage shot = chrome.screenshot();
        String marker = "#c0392b";
        for (ChartBox chart : charts()) {
            int red = ink(shot, chart, marker).matching();
            if (chart.id().equals("model-prequential")) {
                // two dashed lines across a plot some 200 px tall: hundreds of pixels each
                assertThat(red).as("marker pixels on %s", chart.id()).isGreaterThanOrEqualTo(2 * MIN_SERIES_PIXELS);
            } else {
                assertThat(red).as("marker pixels on %s", chart.id()).isZero();
            }
        }
    }

    /** Negative control: errors thrown by a page are seen, so an empty error list means something. */
    @Test
    void errorCapture_seesUncaughtExceptionsAndConsoleErrors() throws Exception {
        Path page = tmp.resolve("broken.html");
        Files.writeString(page, """
                <!DOCTYPE html><html><head><title>broken</title></head><body>
                <script>console.error('deliberate console error');</script>
                <script>document.body.setAttribute('data-rendered', 'true'); deliberatelyUndefinedFunction();</script>
                </body></html>""");

        chrome.open(page, READY);

        assertThat(chrome.errors())
                .anyMatch(e -> e.startsWith("uncaught exception") && e.contains("deliberatelyUndefinedFunction"))
                .anyMatch(e -> e.startsWith("console.error") && e.contains("deliberate console error"));
    }

    /** Negative control: the pixel check tells a drawn canvas from a blank one. */
    @Test
    void pixelCheck_tellsDrawnFromBlankCanvas() throws Exception {
        Path page = tmp.resolve("canvases.html");
        Files.writeString(page, """
                <!DOCTYPE html><html><head><title>canvases</title></head><body style="margin:0">
                <div class="chart" id="blank" data-colors="#1f77b4"><canvas width="600" height="200"></canvas></div>
                <div class="chart" id="drawn" data-colors="#1f77b4"><canvas width="600" height="200"></canvas></div>
                <script>
                  var ctx = document.querySelector('#drawn canvas').getContext('2d');
                  ctx.strokeStyle = '#1f77b4'; ctx.lineWidth = 2;
                  ctx.beginPath(); ctx.moveTo(10, 190); ctx.lineTo(590, 10); ctx.stroke();
                  document.body.setAttribute('data-rendered', 'true');
                </script>
                </body></html>""");

        chrome.viewport(WIDTH, 1000);
        chrome.open(page, READY);
        BufferedImage shot = chrome.screenshot();
        List<ChartBox> charts = charts();

        assertThat(chrome.errors()).isEmpty();
        ChartBox blank = charts.get(0);
        ChartBox drawn = charts.get(1);
        assertThat(ink(shot, blank, "#1f77b4").matching()).isZero();
        assertThat(ink(shot, blank, null).distinct()).isEqualTo(1);
        assertThat(ink(shot, drawn, "#1f77b4").matching()).isGreaterThanOrEqualTo(MIN_SERIES_PIXELS);
    }

    // ---- helpers ----

    record ChartBox(String id, boolean canvas, boolean svg, List<String> colors, double x, double y, double w, double h) {}

    private static List<ChartBox> charts() throws Exception {
        JsonNode list = JSON.readTree(chrome.evaluate(CHARTS).asText());
        List<ChartBox> out = new ArrayList<>();
        for (JsonNode c : list) {
            List<String> colors = new ArrayList<>();
            c.path("colors").forEach(color -> colors.add(color.asText()));
            out.add(new ChartBox(c.path("id").asText(), c.path("canvas").asBoolean(), c.path("svg").asBoolean(),
                    colors, c.path("x").asDouble(), c.path("y").asDouble(), c.path("w").asDouble(),
                    c.path("h").asDouble()));
        }
        return out;
    }

    /**
     * Pixels of the screenshot inside {@code box}: how many are near {@code color} (RGB distance at
     * most 60, which tolerates anti-aliasing but not another series' colour; 0 when color is null)
     * and how many distinct colours there are.
     */
    record Ink(int matching, int distinct) {}

    static Ink ink(BufferedImage image, ChartBox box, String color) {
        int target = color == null ? -1 : Integer.parseInt(color.substring(1), 16);
        int x0 = (int) Math.max(0, Math.ceil(box.x()));
        int y0 = (int) Math.max(0, Math.ceil(box.y()));
        int x1 = (int) Math.min(image.getWidth(), Math.floor(box.x() + box.w()));
        int y1 = (int) Math.min(image.getHeight(), Math.floor(box.y() + box.h()));
        int matching = 0;
        Set<Integer> distinct = new HashSet<>();
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                distinct.add(rgb);
                if (target >= 0 && distance(rgb, target) <= 60) {
                    matching++;
                }
            }
        }
        return new Ink(matching, distinct.size());
    }

    private static double distance(int a, int b) {
        int dr = ((a >> 16) & 0xFF) - ((b >> 16) & 0xFF);
        int dg = ((a >> 8) & 0xFF) - ((b >> 8) & 0xFF);
        int db = (a & 0xFF) - (b & 0xFF);
        return Math.sqrt(dr * dr + dg * dg + db * db);
    }
}
