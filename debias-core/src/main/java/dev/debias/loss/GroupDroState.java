package dev.debias.loss;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The mutable, host-side state of a {@link GroupDroLoss}: group logits, the EMA of group losses and
 * its initialised flags, the generalisation-adjustment constants and the number of committed
 * steps.
 */
final class GroupDroState {

    private static final int MAGIC = 0x47445230; // "GDR0"
    private static final int VERSION = 1;

    final double[] logits;
    final double[] ema;
    final boolean[] initialized;
    final double[] adjustments;
    long steps;

    GroupDroState(double[] logits, double[] ema, boolean[] initialized, double[] adjustments) {
        this.logits = logits;
        this.ema = ema;
        this.initialized = initialized;
        this.adjustments = adjustments;
    }

    GroupDroState copy() {
        GroupDroState copy =
                new GroupDroState(
                        logits.clone(), ema.clone(), initialized.clone(), adjustments.clone());
        copy.steps = steps;
        return copy;
    }

    void copyFrom(GroupDroState other) {
        System.arraycopy(other.logits, 0, logits, 0, logits.length);
        System.arraycopy(other.ema, 0, ema, 0, ema.length);
        System.arraycopy(other.initialized, 0, initialized, 0, initialized.length);
        System.arraycopy(other.adjustments, 0, adjustments, 0, adjustments.length);
        steps = other.steps;
    }

    /**
     * Writes the state.
     *
     * @param out the stream
     * @param variant the loss variant, stored so that a mismatching loss refuses to load it
     * @throws IOException if writing fails
     */
    void write(DataOutputStream out, GroupDroLoss.Variant variant) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(logits.length);
        out.writeUTF(variant.name());
        out.writeLong(steps);
        for (int g = 0; g < logits.length; g++) {
            out.writeDouble(logits[g]);
            out.writeDouble(ema[g]);
            out.writeBoolean(initialized[g]);
            out.writeDouble(adjustments[g]);
        }
        out.flush();
    }

    /**
     * Reads a state written by {@link #write(DataOutputStream, GroupDroLoss.Variant)} and checks
     * it against the loss configuration.
     *
     * @param in the stream
     * @param variant the variant of the loss that loads it
     * @param present whether each group occurs in the training data
     * @return the state
     * @throws IOException if reading fails or the data do not fit the loss
     */
    static GroupDroState read(DataInputStream in, GroupDroLoss.Variant variant, boolean[] present)
            throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new IOException(
                    "not a Group DRO state: bad magic number 0x" + Integer.toHexString(magic));
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException("unsupported Group DRO state version " + version);
        }
        int groups = in.readInt();
        if (groups != present.length) {
            throw new IOException(
                    "the Group DRO state has "
                            + groups
                            + " groups, but the loss has "
                            + present.length);
        }
        String stored = in.readUTF();
        if (!stored.equals(variant.name())) {
            throw new IOException(
                    "the Group DRO state was saved by the " + stored + " variant, not " + variant);
        }
        long steps = in.readLong();
        if (steps < 0) {
            throw new IOException("corrupt Group DRO state: negative step count " + steps);
        }
        GroupDroState state =
                new GroupDroState(
                        new double[groups],
                        new double[groups],
                        new boolean[groups],
                        new double[groups]);
        state.steps = steps;
        for (int g = 0; g < groups; g++) {
            state.logits[g] = in.readDouble();
            state.ema[g] = in.readDouble();
            state.initialized[g] = in.readBoolean();
            state.adjustments[g] = in.readDouble();
            boolean logitOk =
                    present[g]
                            ? Double.isFinite(state.logits[g])
                            : state.logits[g] == Double.NEGATIVE_INFINITY;
            if (!logitOk) {
                throw new IOException(
                        "corrupt Group DRO state: group "
                                + g
                                + " has logit "
                                + state.logits[g]
                                + (present[g]
                                        ? " (must be finite)"
                                        : " (must be -Infinity for a group absent from training)"));
            }
            if (!Double.isFinite(state.ema[g])) {
                throw new IOException(
                        "corrupt Group DRO state: group " + g + " has loss EMA " + state.ema[g]);
            }
            if (!(state.adjustments[g] >= 0) || Double.isInfinite(state.adjustments[g])) {
                throw new IOException(
                        "corrupt Group DRO state: group "
                                + g
                                + " has adjustment "
                                + state.adjustments[g]);
            }
        }
        return state;
    }
}
