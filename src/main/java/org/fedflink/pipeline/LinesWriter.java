package org.fedflink.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.fedflink.config.JobSpec;
import org.fedflink.io.RollingAppender;

/**
 * Writes records as lines to one local file of the run folder, each exactly once across failures
 * (see {@link RollingAppender}: the files are put back as they were at the restored checkpoint),
 * rolling over to numbered parts as its policy says. Runs with parallelism 1. The dead letters and
 * the prediction stream are written by it as JSON lines, the drift events as CSV rows under a header.
 */
public final class LinesWriter<T> extends AbstractStreamOperator<Void> implements OneInputStreamOperator<T, Void> {

    /** The fields of one JSON line, in order. */
    public interface LineFields<T> extends Serializable {
        Map<String, Object> of(T value);
    }

    /** One record's line, without its line break. */
    public interface Line<T> extends Serializable {
        String of(T value) throws Exception;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String file;
    private final String stateName;
    private final String header;
    private final Line<T> line;
    private final RollingAppender.Policy rolling;

    private transient ListState<Long> offsetState;
    private transient ListState<Long> rolledState;
    private transient RollingAppender.Position restored;
    private transient RollingAppender appender;

    /**
     * @param stateName name of the operator state holding the file's committed length (part of the
     *     savepoint format: keep it stable)
     * @param header each file's first line, or null for none
     * @param rolling when the file rolls over to numbered parts and how many stay
     */
    public LinesWriter(String file, String stateName, String header, Line<T> line, RollingAppender.Policy rolling) {
        this.file = file;
        this.stateName = stateName;
        this.header = header;
        this.line = line;
        this.rolling = rolling;
    }

    /** The rolling policy of the job spec's (resolved) {@code output.files}. */
    public static RollingAppender.Policy rolling(JobSpec.LineFilesSpec files) {
        Integer megabytes = files.rollMegabytes();
        return new RollingAppender.Policy(megabytes == null || megabytes == 0 ? Long.MAX_VALUE : (long) megabytes << 20,
                files.keepFiles() == null ? 0 : files.keepFiles());
    }

    /** A writer of JSON lines, one object of {@code fields} per record. */
    public static <T> LinesWriter<T> jsonLines(String file, String stateName, LineFields<T> fields,
            RollingAppender.Policy rolling) {
        return new LinesWriter<>(file, stateName, null, value -> JSON.writeValueAsString(fields.of(value)), rolling);
    }

    /** Drift events: {@code drifts.csv}, one row per event under {@link DriftEvent#HEADER}. */
    public static LinesWriter<DriftEvent> drifts(String file) {
        // one row per detected change: a file that never grows large
        return new LinesWriter<>(file, "drifts", DriftEvent.HEADER, DriftEvent::csvRow, RollingAppender.Policy.never());
    }

    /** Dead letters: {@code origin, position, reason, raw}. */
    public static LinesWriter<DeadLetter> deadLetters(String file, RollingAppender.Policy rolling) {
        return jsonLines(file, "dead-letter", letter -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("origin", letter.origin());
            row.put("position", letter.position());
            row.put("reason", letter.reason());
            row.put("raw", letter.raw());
            return row;
        }, rolling);
    }

    /**
     * Predictions: {@code source, time, label, prediction, loss, modelVersion, localExamples}; with
     * label names, the label and the prediction are written as names.
     */
    public static LinesWriter<PrequentialPrediction> predictions(String file, List<String> labelNames,
            RollingAppender.Policy rolling) {
        return jsonLines(file, "predictions", p -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("source", p.source());
            row.put("time", p.timestamp());
            row.put("label", label(p.label(), labelNames));
            row.put("prediction", label(p.prediction(), labelNames));
            row.put("loss", Double.isFinite(p.loss()) ? p.loss() : null);
            row.put("modelVersion", p.modelVersion());
            row.put("localExamples", p.localExamples());
            return row;
        }, rolling);
    }

    private static Object label(double value, List<String> names) {
        if (!names.isEmpty() && value >= 0 && value < names.size() && value == Math.rint(value)) {
            return names.get((int) value);
        }
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? (Object) (long) value : (Object) value;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        offsetState = context.getOperatorStateStore().getListState(StateDescriptors.fileOffset(stateName));
        rolledState = context.getOperatorStateStore().getListState(StateDescriptors.fileRolled(stateName));
        restored = null;
        if (context.isRestored()) {
            long length = 0;
            for (Long l : offsetState.get()) {
                length = Math.max(length, l);
            }
            long rolled = 0;
            // absent in checkpoints from before files rolled: nothing rolled then
            for (Long r : rolledState.get()) {
                rolled = Math.max(rolled, r);
            }
            restored = new RollingAppender.Position(rolled, length);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        appender = RollingAppender.open(Path.of(file), rolling, restored, header);
    }

    @Override
    public void processElement(StreamRecord<T> record) throws Exception {
        appender.line(line.of(record.getValue()));
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        RollingAppender.Position position = appender.flushedPosition();
        offsetState.update(List.of(position.length()));
        rolledState.update(List.of(position.rolled()));
    }

    @Override
    public void finish() throws Exception {
        appender.flushedPosition();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        if (appender != null) {
            appender.close();
        }
        super.close();
    }
}
