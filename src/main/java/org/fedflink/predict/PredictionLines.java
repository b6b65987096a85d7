package org.fedflink.predict;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.IOException;
import java.io.Writer;
import java.util.HashMap;
import java.util.Map;
import org.fedflink.data.Example;

/**
 * Writes the outcome of each scored record as one JSON line, in the shape {@link FilePredictor}'s
 * "Writing" documents: the prediction with its position, source, label and probabilities, or the
 * reason the record is invalid. Labels and predictions are written as the run's label texts when it
 * had a label map, so the output reads in the user's own terms.
 *
 * <p>Streams through Jackson's generator, so memory does not grow with the file; the target is left
 * open.
 */
final class PredictionLines {

    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private final JsonGenerator json;
    /** "line", or "record" for IDX images, which have no lines. */
    private final String position;
    private final boolean classifier;
    private final boolean probabilities;
    private final long modelVersion;
    private final Map<Double, String> labelText;

    /**
     * @param position the name of a record's position: "line", or "record" for IDX images
     * @param probabilities whether each line lists every class's probability
     * @param labelMap the run's label map, or null
     */
    PredictionLines(Writer out, String position, boolean classifier, boolean probabilities, long modelVersion,
            Map<String, Double> labelMap) throws IOException {
        this.json = JSON.createGenerator(out).setRootValueSeparator(null);
        this.position = position;
        this.classifier = classifier;
        this.probabilities = probabilities;
        this.modelVersion = modelVersion;
        this.labelText = inverse(labelMap);
    }

    void error(long line, String reason) throws IOException {
        json.writeStartObject();
        json.writeNumberField(position, line);
        json.writeStringField("error", reason);
        json.writeEndObject();
        json.writeRaw('\n');
    }

    /** The line of a valid record: {@code parsed} as read (unscaled), and what the model said. */
    void prediction(long line, Example parsed, boolean labelled, Prediction prediction) throws IOException {
        json.writeStartObject();
        json.writeNumberField(position, line);
        if (parsed.source() != null) {
            json.writeStringField("source", parsed.source());
        }
        if (labelled) {
            json.writeFieldName("label");
            writeValue(parsed.label());
        }
        json.writeFieldName("prediction");
        writeValue(prediction.value());
        if (classifier) {
            json.writeNumberField("probability", prediction.probability());
            if (probabilities) {
                json.writeFieldName("probabilities");
                json.writeArray(prediction.probabilities(), 0, prediction.probabilities().length);
            }
        }
        json.writeNumberField("modelVersion", modelVersion);
        json.writeEndObject();
        json.writeRaw('\n');
    }

    /** A label or prediction: its text with a label map, a class index, or a real value. */
    private void writeValue(double value) throws IOException {
        String text = labelText.get(value + 0.0);
        if (text != null) {
            json.writeString(text);
        } else if (classifier) {
            json.writeNumber((long) value);
        } else {
            json.writeNumber(value);
        }
    }

    /** Flushes; the target stays open. */
    void close() throws IOException {
        json.close();
    }

    /** Label value to text: the alphabetically first text of each value. */
    private static Map<Double, String> inverse(Map<String, Double> labelMap) {
        Map<Double, String> inverse = new HashMap<>();
        if (labelMap != null) {
            labelMap.forEach((text, value) -> inverse.merge(value + 0.0, text, (a, b) -> a.compareTo(b) <= 0 ? a : b));
        }
        return inverse;
    }
}
