package org.fedflink.versions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.fedflink.artifact.SavedModel;
import org.fedflink.config.JobSpec;
import org.fedflink.model.ModelSpec;
import org.fedflink.pipeline.Loop;
import org.fedflink.pipeline.ShardPieces;
import org.fedflink.pipeline.ShardState;
import org.fedflink.pipeline.StateDescriptors;

/**
 * Global model versions as a savepoint or retained checkpoint holds them: the aggregators' shard
 * states, read with Flink's State Processor API (a small local job) through the same
 * {@link StateDescriptors} the job writes. One savepoint holds one version per learning loop: the
 * federated model of each task and, when it ran, its centralized baseline.
 */
public final class SavepointModels {

    private SavepointModels() {}

    /**
     * One learning loop's model in a savepoint.
     *
     * @param loop {@code ""} for the job's model, {@code baseline}, {@code <task>} or
     *     {@code <task>/baseline}
     * @param versions each shard's version; they differ when shards closed rounds at different
     *     times before the checkpoint ({@link #version()} is then the lowest)
     * @param params the parameters, shards concatenated in order
     * @param checksum CRC32 of the parameters as float32 little-endian: the checksum of the
     *     published {@code models/vN.f32} file with the same parameters
     */
    public record Version(
            String loop,
            ModelSpec model,
            long[] versions,
            long createdMillis,
            long samplesInModel,
            long sourcesInModel,
            long rounds,
            double prequentialAccuracy,
            double prequentialLoss,
            boolean finished,
            String jobId,
            String parentJobId,
            float[] params,
            String checksum) {

        public long version() {
            long min = Long.MAX_VALUE;
            for (long v : versions) {
                min = Math.min(min, v);
            }
            return min;
        }

        /** Whether every shard holds the same version. */
        public boolean consistent() {
            for (long v : versions) {
                if (v != versions[0]) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Every loop of a job spec with its model, by {@link Loop#name()}. */
    public static Map<String, LoopModel> loops(JobSpec spec) {
        Map<String, LoopModel> loops = new LinkedHashMap<>();
        for (JobSpec.Task task : spec.runTasks()) {
            ModelSpec model = task.spec().model().toSpec();
            Loop own = Loop.of(task.name());
            loops.put(own.name(), new LoopModel(own, model));
            if (task.spec().mode() != JobSpec.Mode.CENTRALIZED
                    && task.spec().evaluation().has(JobSpec.Baseline.CENTRALIZED)) {
                Loop baseline = Loop.baselineOf(task.name());
                loops.put(baseline.name(), new LoopModel(baseline, model));
            }
        }
        return loops;
    }

    /** A loop of a job spec and the shape of its model. */
    public record LoopModel(Loop loop, ModelSpec model) {}

    /** Whether {@code dir} is one savepoint or checkpoint (it has Flink's {@code _metadata}). */
    public static boolean isSnapshot(Path dir) {
        return Files.isRegularFile(dir.resolve("_metadata"));
    }

    /**
     * The savepoints and checkpoints in {@code path}: itself, or those up to two levels below it
     * ({@code savepoints/savepoint-*}, {@code checkpoints/<job>/chk-N}), oldest first.
     */
    public static List<Path> snapshots(Path path) throws IOException {
        if (isSnapshot(path)) {
            return List.of(path);
        }
        if (!Files.isDirectory(path)) {
            return List.of();
        }
        try (Stream<Path> found = Files.find(path, 3, (p, attrs) -> p.getFileName().toString().equals("_metadata"))) {
            return found.map(Path::getParent)
                    .sorted(Comparator.comparing((Path p) -> lastModified(p.resolve("_metadata")))
                            .thenComparing(Path::toString))
                    .toList();
        }
    }

    private static long lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Reads the version of every loop of {@code spec} from one savepoint or checkpoint; loops the
     * snapshot has no state for are left out.
     *
     * @throws IllegalArgumentException if the snapshot holds no aggregator state of the job
     */
    public static List<Version> read(Path snapshot, JobSpec spec) throws Exception {
        Configuration conf = new Configuration();
        conf.setString("pipeline.generic-types", "false");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        SavepointReader reader = SavepointReader.read(env, snapshot.toUri().toString(), new EmbeddedRocksDBStateBackend());
        Map<String, LoopModel> loops = loops(spec);
        List<DataStream<LoopShard>> streams = new ArrayList<>();
        for (String loop : loops.keySet()) {
            DataStream<ShardState> shards;
            try {
                shards = reader.readUnionState(OperatorIdentifier.forUid(loops.get(loop).loop().aggregatorUid()),
                        StateDescriptors.shardState().getName(), TypeInformation.of(ShardState.class));
            } catch (IllegalArgumentException | IOException e) {
                continue; // this loop did not run in that job (e.g. no baseline then)
            }
            streams.add(shards.map(new Tag(loop)).returns(TypeInformation.of(LoopShard.class)).setParallelism(1));
        }
        if (streams.isEmpty()) {
            throw new IllegalArgumentException(snapshot + " holds no aggregator state of job '" + spec.job()
                    + "' (looked for operators " + loops.values().stream().map(l -> l.loop().aggregatorUid()).toList() + ")");
        }
        DataStream<LoopShard> all = streams.get(0);
        for (int i = 1; i < streams.size(); i++) {
            all = all.union(streams.get(i));
        }
        Map<String, TreeMap<Integer, ShardState>> byLoop = new LinkedHashMap<>();
        loops.keySet().forEach(loop -> byLoop.put(loop, new TreeMap<>()));
        try (CloseableIterator<LoopShard> it = all.executeAndCollect("read " + snapshot.getFileName())) {
            while (it.hasNext()) {
                LoopShard s = it.next();
                byLoop.get(s.loop).put(s.state.shard, s.state);
            }
        }
        List<Version> versions = new ArrayList<>();
        for (Map.Entry<String, TreeMap<Integer, ShardState>> e : byLoop.entrySet()) {
            if (!e.getValue().isEmpty()) {
                versions.add(assemble(e.getKey(), loops.get(e.getKey()).model(), List.copyOf(e.getValue().values())));
            }
        }
        return versions;
    }

    static Version assemble(String loop, ModelSpec model, List<ShardState> shards) {
        ShardPieces whole = new ShardPieces(model.numParams());
        long[] versions = new long[shards.size()];
        long correct = Long.MAX_VALUE;
        double lossSum = 0;
        boolean finished = true;
        float[] params;
        try {
            for (int i = 0; i < shards.size(); i++) {
                ShardState s = shards.get(i);
                versions[i] = s.version;
                if (whole.add(s.params, s.version, s.samplesInModel, s.sources == null ? 0 : s.sources.length, s.rounds,
                        s.createdMillis)) {
                    correct = s.prequentialCorrect;
                    lossSum = s.prequentialLossSum;
                }
                finished &= s.finished;
            }
            params = whole.params();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the savepoint's model of loop '" + loop + "' does not fit the job spec's "
                    + model.type() + " model: " + e.getMessage(), e);
        }
        ShardState first = shards.get(0);
        long samples = whole.samples();
        return new Version(loop, model, versions, whole.createdMillis(), samples, whole.sources(), whole.rounds(),
                samples == 0 ? Double.NaN : (double) correct / samples,
                samples == 0 ? Double.NaN : lossSum / samples,
                finished, first.jobId, first.parentJobId, params, SavedModel.checksum(SavedModel.toBytes(params)));
    }

    /** A shard state tagged with its loop (a Flink POJO, so no generic types are needed). */
    public static final class LoopShard {
        public String loop;
        public ShardState state;

        public LoopShard() {}
    }

    private static final class Tag implements org.apache.flink.api.common.functions.MapFunction<ShardState, LoopShard> {
        private final String loop;

        Tag(String loop) {
            this.loop = loop;
        }

        @Override
        public LoopShard map(ShardState state) {
            LoopShard s = new LoopShard();
            s.loop = loop;
            s.state = state;
            return s;
        }
    }
}
