package dev.debias.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.BitSet;

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

    /**
     * Writes a set of sample indices (a {@link BitSet}) as its length in words and the words.
     *
     * @param out the stream
     * @param bits the set
     * @throws IOException if writing fails
     */
    protected static void writeBits(DataOutputStream out, BitSet bits) throws IOException {
        long[] words = bits.toLongArray();
        out.writeInt(words.length);
        for (long w : words) {
            out.writeLong(w);
        }
    }

    /**
     * Reads a set written by {@link #writeBits}.
     *
     * @param in the stream
     * @param what what the set is, for the error message (e.g. "error set errors")
     * @return the set
     * @throws IOException if reading fails or the length is negative
     */
    protected static BitSet readBits(DataInputStream in, String what) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException(what + " has a negative length");
        }
        long[] words = new long[n];
        for (int i = 0; i < n; i++) {
            words[i] = in.readLong();
        }
        return BitSet.valueOf(words);
    }

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
