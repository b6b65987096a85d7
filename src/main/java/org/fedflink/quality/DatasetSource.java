package org.fedflink.quality;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Makes a dataset's files into a folder once (a quality dataset's {@code prepare.kind}). The folder
 * is kept between runs: a folder that a previous {@link #prepare} completed for the same settings
 * and mode is reused as it is, without running anything; one that is incomplete (a run stopped half
 * way), or was made for other settings or the other mode, is made again.
 *
 * <p>Keep the full and the quick data in different folders (e.g. {@code data/quality/<dataset>} and
 * {@code data/quality/quick/<dataset>}) to keep both; one folder holds one of them at a time.
 */
public interface DatasetSource {

    /**
     * @param dir the dataset's folder ({@code ${data}} of its job fragment); created if missing
     * @param quick a small version (a few thousand examples) for tests and {@code --quick}
     * @throws IOException when the data cannot be made, with a one-line message that says what to do
     */
    PreparedDataset prepare(Path dir, boolean quick) throws IOException;
}
