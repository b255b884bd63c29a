package dev.debias.pruning;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;

import dev.debias.data.GroupedDataset;
import dev.debias.data.GroupedLabels;
import dev.debias.loss.CrossEntropy;
import dev.debias.train.StateFile;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.function.UnaryOperator;

/**
 * The per-sample scores of DCWP's {@code ensemble} mining rule (ALGORITHMS.md §10.3): once per
 * epoch of the biased model's training, {@code score[i] += weight · (1 − p_y(x_i))} from an
 * inference pass; the mined set is {@code score > τ_e}. Checkpointed with the phase.
 */
final class EnsembleScores extends StateFile {

    private double[] scores;

    EnsembleScores(String name, int size) {
        super(name);
        this.scores = new double[size];
    }

    /** Adds {@code weight · (1 − p_y)} of every sample, from one inference pass. */
    void accumulate(UnaryOperator<NDList> inference, GroupedDataset dataset, int batchSize, Device device, double weight) {
        try (NDManager manager = NDManager.newBaseManager(device)) {
            for (long start = 0; start < dataset.size(); start += batchSize) {
                int n = (int) Math.min(batchSize, dataset.size() - start);
                long[] indices = new long[n];
                for (int k = 0; k < n; k++) {
                    indices[k] = start + k;
                }
                try (Batch batch = dataset.batch(manager, indices)) {
                    NDArray logits = inference.apply(batch.getData()).head();
                    NDArray y = batch.getLabels().get(GroupedLabels.LABEL);
                    float[] py = CrossEntropy.labelLogProbability(logits, y).exp().toFloatArray();
                    long[] index = batch.getLabels().get(GroupedLabels.INDEX).toLongArray();
                    for (int k = 0; k < n; k++) {
                        scores[(int) index[k]] += weight * (1 - py[k]);
                    }
                }
            }
        }
    }

    /** The samples whose score exceeds the threshold. */
    long[] above(double threshold) {
        return java.util.stream.IntStream.range(0, scores.length).filter(i -> scores[i] > threshold).asLongStream().toArray();
    }

    double score(int index) {
        return scores[index];
    }

    @Override
    protected void write(DataOutputStream out) throws IOException {
        out.writeInt(scores.length);
        for (double s : scores) {
            out.writeDouble(s);
        }
    }

    @Override
    protected void read(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n != scores.length) {
            throw new IOException("ensemble scores " + checkpointName() + " hold " + n + " samples, the training set " + scores.length);
        }
        double[] read = new double[n];
        for (int i = 0; i < n; i++) {
            read[i] = in.readDouble();
        }
        scores = read;
    }
}
