package dev.debias.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;

import dev.debias.data.GroupedDataset;
import dev.debias.data.GroupedLabels;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.BitSet;
import java.util.function.UnaryOperator;

/**
 * Collects the error set of a model: the stable indices of the training samples it
 * misclassifies (JTT's identification, Liu et al., ICML 2021; the {@code wrong} mining rule of
 * DCWP). Samples are added from training-mode logits as they are computed ({@link
 * #record(NDArray, NDList)}, one host copy of the wrong indices per batch) or by an inference pass
 * over a dataset ({@link #mine(UnaryOperator, GroupedDataset, int, Device)}). The set is
 * checkpointed, so a run killed halfway through the recording pass resumes with it.
 */
public final class ErrorSetMiner extends StateFile {

    private final BitSet errors = new BitSet();

    /**
     * Creates an empty error set.
     *
     * @param name the name of its checkpoint file
     */
    public ErrorSetMiner(String name) {
        super(name);
    }

    /**
     * Adds the misclassified samples of a batch.
     *
     * @param logits the model's logits {@code [B, K]} or outputs whose argmax is the prediction
     * @param labels the batch's label columns
     */
    public void record(NDArray logits, NDList labels) {
        NDArray wrong = logits.argMax(1).neq(labels.get(GroupedLabels.LABEL));
        for (long index : labels.get(GroupedLabels.INDEX).get(wrong).toLongArray()) {
            errors.set(Math.toIntExact(index));
        }
    }

    /**
     * Adds every sample of a dataset that an inference function misclassifies.
     *
     * @param inference from a batch's data to the outputs, logits at index 0
     * @param dataset the dataset (sample indices are its stable indices)
     * @param batchSize the batch size of the pass
     * @param device the device batches are placed on
     */
    public void mine(UnaryOperator<NDList> inference, GroupedDataset dataset, int batchSize, Device device) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("the mining batch size must be >= 1, got " + batchSize);
        }
        try (NDManager manager = NDManager.newBaseManager(device)) {
            for (long start = 0; start < dataset.size(); start += batchSize) {
                int n = (int) Math.min(batchSize, dataset.size() - start);
                long[] indices = new long[n];
                for (int k = 0; k < n; k++) {
                    indices[k] = start + k;
                }
                try (Batch batch = dataset.batch(manager, indices)) {
                    record(inference.apply(batch.getData()).head(), batch.getLabels());
                }
            }
        }
    }

    /**
     * Returns the error set.
     *
     * @return the sorted sample indices
     */
    public long[] indices() {
        return errors.stream().asLongStream().toArray();
    }

    /**
     * Returns the size of the error set.
     *
     * @return the number of samples
     */
    public int size() {
        return errors.cardinality();
    }

    /** {@inheritDoc} */
    @Override
    protected void write(DataOutputStream out) throws IOException {
        writeBits(out, errors);
    }

    /** {@inheritDoc} */
    @Override
    protected void read(DataInputStream in) throws IOException {
        BitSet read = readBits(in, "error set " + checkpointName());
        errors.clear();
        errors.or(read);
    }
}
