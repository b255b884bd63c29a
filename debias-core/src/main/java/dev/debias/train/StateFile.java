package dev.debias.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpointed part whose state is one small file {@code <name>.state} written and read as a
 * stream: JTT's error set, DisEnt's best test accuracy, a method's counters. Subclasses write and
 * read their fields; the file handling is {@link Checkpointable#ofStream}'s.
 */
public abstract class StateFile implements Checkpointable {

    private final String name;
    private final Checkpointable file;

    /**
     * Creates the part.
     *
     * @param name the part's name, unique within its phase
     */
    protected StateFile(String name) {
        this.name = name;
        this.file = Checkpointable.ofStream(name, this::write, this::read);
    }

    /**
     * Writes the state.
     *
     * @param out the stream
     * @throws IOException if writing fails
     */
    protected abstract void write(DataOutputStream out) throws IOException;

    /**
     * Replaces the state with one read from a stream written by {@link #write}.
     *
     * @param in the stream
     * @throws IOException if reading fails or the data do not fit
     */
    protected abstract void read(DataInputStream in) throws IOException;

    /** {@inheritDoc} */
    @Override
    public final String checkpointName() {
        return name;
    }

    /** {@inheritDoc} */
    @Override
    public final void saveCheckpoint(Path dir) throws IOException {
        file.saveCheckpoint(dir);
    }

    /** {@inheritDoc} */
    @Override
    public final void loadCheckpoint(Path dir) throws IOException {
        file.loadCheckpoint(dir);
    }
}
