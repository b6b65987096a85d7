package org.fedflink.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders {@link ReportData} as one self-contained HTML page: the page template, uPlot's script and
 * stylesheet (from the uPlot webjar on the classpath) and the report script, all inline, with the
 * data as JSON in a {@code <script type="application/json">} block that the report script reads
 * with {@code JSON.parse}.
 *
 * <p>User data (job, task and source names) reaches the page only (a) inside that JSON, where every
 * {@code <}, {@code >} and {@code &} is written as a {@code \\uXXXX} escape so no {@code </script>}
 * or {@code <!--} can end or bend the block, and (b) in {@code <title>}, HTML-escaped. The page's
 * Content-Security-Policy allows only its own two scripts (by SHA-256 hash) and no fetches at all,
 * which also proves at view time that nothing is loaded from elsewhere.
 */
final class HtmlPage {

    static final String UPLOT_VERSION = "1.6.30";
    private static final String UPLOT_DIR = "META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/";

    private static final Pattern TOKEN = Pattern.compile("@@([A-Z_]+)@@");

    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        JSON.getFactory().setCharacterEscapes(new HtmlSafeEscapes());
    }

    private HtmlPage() {}

    static String render(ReportData data) {
        String uplotJs = resource(UPLOT_DIR + "uPlot.iife.min.js");
        String uplotCss = resource(UPLOT_DIR + "uPlot.min.css");
        String reportJs = resource("org/fedflink/report/report.js");
        for (String inline : new String[] {uplotJs, uplotCss, reportJs}) {
            // would end its <script>/<style> element early
            if (inline.toLowerCase(Locale.ROOT).contains("</")) {
                throw new IllegalStateException("an inlined asset contains '</'");
            }
        }
        Map<String, String> values = Map.of(
                "TITLE", escapeHtml(data.job() + " · fedflink report"),
                "SCRIPT_HASHES", "'" + sha256(uplotJs) + "' '" + sha256(reportJs) + "'",
                "UPLOT_CSS", uplotCss,
                "UPLOT_JS", uplotJs,
                "REPORT_JS", reportJs,
                "DATA", json(data));
        // one pass, so a token inside inserted text (e.g. in a job name) is never expanded
        Matcher m = TOKEN.matcher(resource("org/fedflink/report/report.html"));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("report template has an unknown token " + m.group());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** {@code data} as JSON that is safe inside a {@code <script>} element. */
    static String json(ReportData data) {
        try {
            return JSON.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("report data cannot be written as json: " + e.getOriginalMessage(), e);
        }
    }

    /** Escapes text for HTML element content and quoted attribute values. */
    static String escapeHtml(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String sha256(String script) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("sha-256 is not available", e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = HtmlPage.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource '" + name + "' is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource '" + name + "'", e);
        }
    }

    /** JSON escapes that also cover {@code < > &} and the JavaScript line separators. */
    private static final class HtmlSafeEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii;

        HtmlSafeEscapes() {
            ascii = standardAsciiEscapesForJSON();
            ascii['<'] = ESCAPE_STANDARD;
            ascii['>'] = ESCAPE_STANDARD;
            ascii['&'] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return switch (ch) {
                case 0x2028 -> new SerializedString("\\u2028");
                case 0x2029 -> new SerializedString("\\u2029");
                default -> null;
            };
        }
    }
}
