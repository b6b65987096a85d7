package org.fedflink.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The written page: self-contained, and user data cannot escape the JSON block or the title. */
class RunReportTest {

    private static final Pattern DATA_BLOCK = Pattern.compile(
            "<script type=\"application/json\" id=\"report-data\">(.*?)</script>", Pattern.DOTALL);

    @TempDir
    Path tmp;

    @Test
    void write_defaultsToReportHtmlInTheRunFolder_andReplacesIt() throws Exception {
        Path run = RunFixture.minimalRun(tmp.resolve("run"), true);
        Files.writeString(run.resolve("report.html"), "old");

        Path written = RunReport.write(run);

        assertThat(written).isEqualTo(run.resolve("report.html"));
        assertThat(Files.readString(written)).startsWith("<!DOCTYPE html>");
        try (var files = Files.list(run)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void write_toAnotherFile_createsItsFolder() throws Exception {
        Path run = RunFixture.minimalRun(tmp.resolve("run"), false);
        Path out = tmp.resolve("reports/nested/r.html");

        assertThat(RunReport.write(run, out)).isEqualTo(out);
        assertThat(out).isRegularFile();
        assertThat(run.resolve("report.html")).doesNotExist();
    }

    @Test
    void page_isSelfContained() throws Exception {
        String html = Files.readString(RunReport.write(RunFixture.fullRun(tmp.resolve("run"), "quickstart")));

        assertThat(html).doesNotContainPattern("<script[^>]*\\bsrc=")
                .doesNotContainPattern("<link\\b")
                .doesNotContain("@@")
                .contains("default-src 'none'")
                .contains("uPlot");
        // three script elements (data, uPlot, report) and nothing else closes one
        assertThat(html.split("</script>", -1)).hasSize(4);
    }

    @Test
    void hostileJobAndSourceNames_stayInsideTheJsonBlock_andAreEscapedInTheTitle() throws Exception {
        String html = Files.readString(RunReport.write(RunFixture.fullRun(tmp.resolve("run"), RunFixture.HOSTILE_JOB)));

        assertThat(html).doesNotContain("<img").doesNotContain("onerror=alert(1)>");
        assertThat(html).contains("<title>&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; · fedflink report</title>");
        Matcher m = DATA_BLOCK.matcher(html);
        assertThat(m.find()).isTrue();
        String json = m.group(1);
        assertThat(json).doesNotContain("<").doesNotContain(">").contains("\\u003C/script\\u003E");
        JsonNode data = new ObjectMapper().readTree(json);
        assertThat(data.path("job").asText()).isEqualTo(RunFixture.HOSTILE_JOB);
        assertThat(data.at("/sections/2/table/rows/0/0").asText()).isEqualTo(RunFixture.HOSTILE_SOURCE);
    }

    @Test
    void escapeHtml_coversMarkupAndQuotes() {
        assertThat(HtmlPage.escapeHtml("<a href=\"x\">'&'</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }

    @Test
    void json_escapesLineSeparatorsAndHtmlSpecials() {
        ReportData data = new ReportData("a\u2028b<!--c&d", "s", "m", null, java.util.List.of(), java.util.List.of());

        String json = HtmlPage.json(data);

        assertThat(json).contains("a\\u2028b\\u003C!--c\\u0026d");
    }
}
