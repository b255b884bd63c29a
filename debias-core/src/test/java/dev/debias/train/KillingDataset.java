package dev.debias.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.RandomAccessDataset;

import dev.debias.data.GroupedArrayDataset;
import dev.debias.data.GroupedDataset;

/**
 * A training set that stops the process as a kill would: the {@code killAt}-th batch it is asked
 * for throws {@link Killed}, so the step of that batch never happens and nothing after the last
 * checkpoint is saved. {@link #requestingStop} makes it a graceful stop instead: the batch is
 * delivered and a {@link StopRequest} made, as a signal handler would during that step. Labels,
 * attributes and features are those of the wrapped set. Public in the core test jar for the other
 * modules' resume tests.
 */
public final class KillingDataset extends GroupedDataset {

    /** The simulated kill. */
    public static final class Killed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Killed(long call) {
            super("killed at batch " + call);
        }
    }

    private static final class Sampling extends RandomAccessDataset.BaseBuilder<Sampling> {
        @Override
        protected Sampling self() {
            return this;
        }
    }

    private final GroupedArrayDataset inner;
    private final long killAt;
    private final StopRequest stop;
    private long calls;

    public KillingDataset(GroupedArrayDataset inner, long killAt) {
        this(inner, killAt, null);
    }

    private KillingDataset(GroupedArrayDataset inner, long killAt, StopRequest stop) {
        super(new Sampling().setSampling(64, false), inner.groupSpec(), inner.labels(), inner.attributes());
        this.inner = inner;
        this.killAt = killAt;
        this.stop = stop;
    }

    /** A set whose {@code atBatch}-th batch is delivered and makes {@code stop}'s request. */
    public static KillingDataset requestingStop(GroupedArrayDataset inner, long atBatch, StopRequest stop) {
        return new KillingDataset(inner, atBatch, stop);
    }

    /** Returns how many batches were asked for. */
    public long calls() {
        return calls;
    }

    @Override
    public NDArray features(NDManager manager, long[] indices) {
        if (++calls == killAt) {
            if (stop == null) {
                throw new Killed(calls);
            }
            stop.request("test signal at batch " + calls);
        }
        return inner.features(manager, indices);
    }
}
