package org.fedflink.report;

import java.util.List;

/**
 * Everything the report page shows, extracted from a run folder by {@link RunReader} and embedded
 * in the page as JSON; the page's script only lays it out. Keeping the numbers here (not in the
 * script) lets unit tests check what a report says without a browser.
 *
 * @param job the job name (user data: the page escapes it)
 * @param status the run's status, e.g. FINISHED, or "unknown"
 * @param mode the run's mode, e.g. fedavg, or "unknown"
 * @param failure the one-line failure of a failed run, or null
 * @param headline key numbers of the run
 * @param sections the page's sections in order: one per model (or per task), then run-wide ones
 */
public record ReportData(
        String job, String status, String mode, String failure, List<Stat> headline, List<Section> sections) {

    public ReportData {
        headline = List.copyOf(headline);
        sections = List.copyOf(sections);
    }

    /** A labelled, already formatted number. */
    public record Stat(String label, String value) {}

    /**
     * A titled part of the page.
     *
     * @param id a DOM-safe id prefix of the section's charts (never user data)
     * @param title the heading (may hold a task name: user data)
     * @param stats key numbers of the section
     * @param charts the charts drawn
     * @param notes one line each: charts omitted and why, or how their data was thinned
     * @param table an optional table, or null
     */
    public record Section(
            String id, String title, List<Stat> stats, List<Chart> charts, List<String> notes, Table table) {
        public Section {
            stats = List.copyOf(stats);
            charts = List.copyOf(charts);
            notes = List.copyOf(notes);
        }
    }

    /**
     * One chart over a shared x axis; every series has one value (or null for "no value") per x.
     *
     * @param id the DOM id of the chart's container (never user data)
     * @param kind {@code line} or {@code bars}
     * @param title the chart's title
     * @param xLabel the x axis label
     * @param yLabel the y axis label
     * @param x the x values, ascending
     * @param xRange the x axis range {@code [min, max]}, or null for automatic
     * @param series the y series
     * @param markers events marked across the chart at their x, in order (none: empty)
     */
    public record Chart(
            String id, String kind, String title, String xLabel, String yLabel,
            List<Double> x, List<Double> xRange, List<Series> series, List<Marker> markers) {
        public static final String LINE = "line";
        public static final String BARS = "bars";

        public Chart {
            markers = markers == null ? List.of() : List.copyOf(markers);
        }

        /** A chart without markers. */
        public Chart(String id, String kind, String title, String xLabel, String yLabel,
                List<Double> x, List<Double> xRange, List<Series> series) {
            this(id, kind, title, xLabel, yLabel, x, xRange, series, List.of());
        }

        /** This chart with {@code newMarkers} drawn across it. */
        public Chart withMarkers(List<Marker> newMarkers) {
            return new Chart(id, kind, title, xLabel, yLabel, x, xRange, series, newMarkers);
        }
    }

    /**
     * An event at one x, drawn as a vertical line across the chart (such as a concept drift the
     * server detected, at the global version that counted it).
     *
     * @param x where, in the chart's x unit
     * @param label what happened there (shown on hover and in the chart's note)
     */
    public record Marker(double x, String label) {}

    /**
     * A y series.
     *
     * @param label the legend label
     * @param y one value per x, null where there is none
     * @param tone {@code federated}, {@code baseline}, {@code neutral} or {@code accent}: the page
     *     picks the colour, so a model and its baseline look the same in every chart
     * @param dashed draw a dashed line (a cumulative series next to a windowed one)
     */
    public record Series(String label, List<Double> y, String tone, boolean dashed) {
        public static final String FEDERATED = "federated";
        public static final String BASELINE = "baseline";
        public static final String NEUTRAL = "neutral";
        public static final String ACCENT = "accent";
    }

    /** A small table of text cells. */
    public record Table(String caption, List<String> columns, List<List<String>> rows) {
        public Table {
            columns = List.copyOf(columns);
            rows = rows.stream().map(List::copyOf).toList();
        }
    }
}
