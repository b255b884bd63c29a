package dev.debias.pruning;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedDataset;
import dev.debias.train.StateFile;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.BitSet;

/**
 * The training samples DCWP treats as bias-conflicting (phase 2 of Park et al., CVPR 2023), by
 * stable sample index: the completion record of the mining phase, read by pruning and fine-tuning.
 */
public final class MinedSet extends StateFile {

    /**
     * How well a mined set matches the true bias-conflicting samples.
     *
     * @param mined the size of the mined set
     * @param conflicting the number of truly bias-conflicting samples
     * @param correct the number of mined samples that are truly bias-conflicting
     */
    public record Quality(long mined, long conflicting, long correct) {

        /**
         * Returns the share of mined samples that are bias-conflicting (0 for an empty set).
         *
         * @return the precision
         */
        public double precision() {
            return mined == 0 ? 0 : (double) correct / mined;
        }

        /**
         * Returns the share of bias-conflicting samples that are mined (0 when there are none).
         *
         * @return the recall
         */
        public double recall() {
            return conflicting == 0 ? 0 : (double) correct / conflicting;
        }
    }

    private final BitSet members = new BitSet();

    /**
     * Creates an empty set.
     *
     * @param name the name of its checkpoint file
     */
    public MinedSet(String name) {
        super(name);
    }

    /**
     * Replaces the members.
     *
     * @param indices the sample indices, each {@code >= 0}
     */
    public void replace(long[] indices) {
        members.clear();
        for (long i : indices) {
            if (i < 0 || i > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("a mined sample index must be in [0, 2^31), got " + i);
            }
            members.set((int) i);
        }
    }

    /**
     * Returns the members.
     *
     * @return the sorted sample indices
     */
    public int[] indices() {
        return members.stream().toArray();
    }

    /**
     * Returns the number of members.
     *
     * @return the size
     */
    public int size() {
        return members.cardinality();
    }

    /**
     * Tells whether a sample is mined.
     *
     * @param index the sample index
     * @return true if mined
     */
    public boolean contains(int index) {
        return members.get(index);
    }

    /**
     * Returns the truly bias-conflicting samples of a dataset (groups its {@link GroupSpec} calls
     * conflicting).
     *
     * @param dataset the dataset, with group labels
     * @return the sorted sample indices
     */
    public static long[] trulyConflicting(GroupedDataset dataset) {
        GroupSpec spec = dataset.groupSpec();
        int[] groups = dataset.groups();
        return java.util.stream.IntStream.range(0, groups.length)
                .filter(i -> groups[i] >= 0 && spec.isConflicting(groups[i]))
                .asLongStream()
                .toArray();
    }

    /**
     * Compares the set with the true bias-conflicting samples of the dataset it was mined from.
     *
     * @param dataset the training set
     * @return precision and recall
     */
    public Quality quality(GroupedDataset dataset) {
        long conflicting = 0;
        long correct = 0;
        for (long i : trulyConflicting(dataset)) {
            conflicting++;
            if (members.get((int) i)) {
                correct++;
            }
        }
        return new Quality(size(), conflicting, correct);
    }

    /** {@inheritDoc} */
    @Override
    protected void write(DataOutputStream out) throws IOException {
        writeBits(out, members);
    }

    /** {@inheritDoc} */
    @Override
    protected void read(DataInputStream in) throws IOException {
        BitSet read = readBits(in, "mined set " + checkpointName());
        members.clear();
        members.or(read);
    }
}
