package dev.debias.gan;

import dev.debias.train.StateFile;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Optional;

/**
 * The best unbiased test accuracy of a run and the step it was reached at: the model selection on
 * the test set of DisEnt's official code, kept for comparison with its published numbers only.
 * Checkpointed, so it covers the whole run after a resume.
 */
public final class BestTestTracker extends StateFile {

    /**
     * The best test accuracy and its step.
     *
     * @param step the validation step
     * @param unbiasedAccuracy the unbiased test accuracy there, in [0, 1]
     */
    public record Best(long step, double unbiasedAccuracy) {}

    private Best best;

    BestTestTracker(String name) {
        super(name);
    }

    /** Records the test accuracy of the validation after a step. */
    void offer(long step, double unbiasedAccuracy) {
        if (best == null || unbiasedAccuracy > best.unbiasedAccuracy()) {
            best = new Best(step, unbiasedAccuracy);
        }
    }

    Optional<Best> best() {
        return Optional.ofNullable(best);
    }

    /** {@inheritDoc} */
    @Override
    protected void write(DataOutputStream out) throws IOException {
        out.writeBoolean(best != null);
        if (best != null) {
            out.writeLong(best.step());
            out.writeDouble(best.unbiasedAccuracy());
        }
    }

    /** {@inheritDoc} */
    @Override
    protected void read(DataInputStream in) throws IOException {
        best = in.readBoolean() ? new Best(in.readLong(), in.readDouble()) : null;
    }
}
