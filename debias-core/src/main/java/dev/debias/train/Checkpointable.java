package dev.debias.train;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A part of a training run whose state goes into checkpoints: a model with its optimiser, a
 * stateful loss (Group DRO's weights), a per-sample buffer (LfF's EMA). The training loop saves
 * every part into one directory that is written atomically, so a checkpoint is always complete.
 */
public interface Checkpointable {

    /** Writes state to a stream. */
    @FunctionalInterface
    interface StateWriter {

        /**
         * Writes the state.
         *
         * @param out the stream
         * @throws IOException if writing fails
         */
        void write(java.io.DataOutputStream out) throws IOException;
    }

    /** Reads state from a stream. */
    @FunctionalInterface
    interface StateReader {

        /**
         * Reads the state.
         *
         * @param in the stream
         * @throws IOException if reading fails or the data do not fit
         */
        void read(java.io.DataInputStream in) throws IOException;
    }

    /**
     * Returns a part whose state is one file {@code <name>.state} written and read by the given
     * functions (Group DRO's weights, a sampler's position, ...).
     *
     * @param name the part's name
     * @param writer writes the state
     * @param reader reads it back
     * @return the part
     */
    static Checkpointable ofStream(String name, StateWriter writer, StateReader reader) {
        return new Checkpointable() {
            @Override
            public String checkpointName() {
                return name;
            }

            @Override
            public void saveCheckpoint(Path dir) throws IOException {
                try (java.io.DataOutputStream out =
                        new java.io.DataOutputStream(
                                new java.io.BufferedOutputStream(
                                        java.nio.file.Files.newOutputStream(dir.resolve(name + ".state"))))) {
                    writer.write(out);
                }
            }

            @Override
            public void loadCheckpoint(Path dir) throws IOException {
                Path file = dir.resolve(name + ".state");
                if (!java.nio.file.Files.isRegularFile(file)) {
                    throw new IOException("checkpoint file missing: " + file);
                }
                try (java.io.DataInputStream in =
                        new java.io.DataInputStream(
                                new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(file)))) {
                    reader.read(in);
                }
            }
        };
    }

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

    /**
     * Describes state that must not be saved because it is not finite (a parameter that became
     * NaN or infinite); checked by the loop before every checkpoint.
     *
     * @return a description such as {@code parameter 'weight' of model 'model'}, or null when
     *     every value is finite (the default)
     */
    default String nonFiniteState() {
        return null;
    }
}
