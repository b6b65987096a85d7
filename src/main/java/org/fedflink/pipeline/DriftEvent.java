package org.fedflink.pipeline;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;
import org.fedflink.artifact.RunFolder;

/**
 * A concept drift detected by a source's detector (in a {@link LocalTrainer}) or the server's (in
 * the {@link GlobalAggregator} of shard 0), as written to a row of {@code drifts.csv}.
 *
 * @param time event time: a source's, of the example at which it detected; the server's, of the
 *     newest example among the updates it had received (the updates carry their last example's
 *     time); {@link Long#MIN_VALUE} when there is none (written blank)
 * @param version a source's: the global version its model is based on (the oldest over shards);
 *     the server's: the version that carries the detection in its count of global drifts
 * @param source the source's name, or {@link org.fedflink.drift.DriftSettings#GLOBAL} for the server
 * @param detector the detector's kind, {@code adwin} or {@code page-hinkley}
 * @param statistic the figure that crossed the detector's threshold (ADWIN: the difference of the
 *     two sub-window means; Page-Hinkley: the cumulative deviation)
 */
public record DriftEvent(long time, long version, String source, String detector, double statistic) {

    /** The side output both operators send their drift events to. */
    public static final OutputTag<DriftEvent> OUTPUT = new OutputTag<>("drifts", TypeInformation.of(DriftEvent.class));


    /** The header of {@link #RunFolder.DRIFTS}. */
    public static final String HEADER = "time,version,source,detector,statistic";

    /** This event as a row of {@link #RunFolder.DRIFTS} (the source quoted as CSV needs, six decimals). */
    public String csvRow() {
        return (time == Long.MIN_VALUE ? "" : Long.toString(time)) + "," + version + ","
                + SourceStats.csvField(source) + "," + detector + "," + SourceStats.number(statistic);
    }
}
