package dev.debias.train;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A part of a training run whose state goes into checkpoints: a model with its optimiser, a
 * stateful loss (Group DRO's weights), a per-sample buffer (LfF's EMA). The training loop saves
 * every part into one directory that is written atomically, so a checkpoint is always complete.
 */
public interface Checkpointable {

    /**
     * Returns a name unique within the run; file names of this part start with it.
     *
     * @return the name
     */
    String checkpointName();

    /**
     * Saves the state into a directory.
     *
     * @param dir the (temporary) checkpoint directory
     * @throws IOException if writing fails
     */
    void saveCheckpoint(Path dir) throws IOException;

    /**
     * Restores the state from a directory written by {@link #saveCheckpoint(Path)}.
     *
     * @param dir the checkpoint directory
     * @throws IOException if reading fails or the files do not fit
     */
    void loadCheckpoint(Path dir) throws IOException;
}
