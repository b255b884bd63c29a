package dev.debias.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

import java.util.Arrays;

/**
 * The per-group loss sums of one batch or split, as {@link GroupDroLoss} (Sagawa et al., ICLR
 * 2020) reduces them: native and differentiable for the gradient, on the host for the weight
 * update.
 */
public final class GroupSums {

    final NDArray sums;
    final double[] lossSums;
    final long[] counts;
    final long unknownCount;

    GroupSums(NDArray sums, double[] lossSums, long[] counts, long unknownCount) {
        this.sums = sums;
        this.lossSums = lossSums;
        this.counts = counts;
        this.unknownCount = unknownCount;
    }

    /**
     * Returns the native, differentiable group sums \(S_g = \sum_{i: g_i = g} \ell_i\).
     *
     * @return the sums {@code [G]}
     */
    public NDArray sums() {
        return sums;
    }

    /**
     * Returns a host copy of the detached group sums.
     *
     * @return the sums, indexed by group
     */
    public double[] lossSums() {
        return lossSums.clone();
    }

    /**
     * Returns the number of samples of each group.
     *
     * @return the counts, indexed by group
     */
    public long[] counts() {
        return counts.clone();
    }

    /**
     * Returns the number of samples with an unknown group, which do not enter the loss.
     *
     * @return the count of samples with group {@code -1}
     */
    public long unknownCount() {
        return unknownCount;
    }

    /**
     * Computes the per-group sums of per-sample losses: group membership is a native one-hot
     * matrix {@code [B, G + 1]} (column 0 for unknown groups); sums and counts come from one
     * matrix product and one column sum, followed by one host copy of {@code 2 (G + 1)} numbers.
     *
     * @param perSampleLosses the losses {@code [B]}
     * @param groups the group ids {@code [B]}, values in {@code [-1, G)}
     * @param numGroups the number of groups {@code G}
     * @param lossName the loss's name, for error messages
     * @return the group sums
     * @throws IllegalArgumentException on bad shapes or group ids out of range
     * @throws NonFiniteLossException if a group loss is not finite
     */
    static GroupSums compute(NDArray perSampleLosses, NDArray groups, int numGroups, String lossName) {
        if (perSampleLosses.getShape().dimension() != 1) {
            throw new IllegalArgumentException(
                    lossName
                            + ": per-sample losses must have shape [B], got "
                            + perSampleLosses.getShape());
        }
        long batch = perSampleLosses.getShape().get(0);
        NDArray ids = LossInputs.asInt64(LossInputs.vector(groups, "group ids", batch, lossName), "group ids", lossName);
        long[] columnIds = new long[numGroups + 1];
        for (int j = 0; j <= numGroups; j++) {
            columnIds[j] = j - 1L;
        }
        NDArray columns =
                ids.getManager().create(columnIds).toDevice(ids.getDevice(), false);
        NDArray membership =
                ids.reshape(batch, 1)
                        .eq(columns.reshape(1, numGroups + 1))
                        .toType(perSampleLosses.getDataType(), false);
        NDArray allSums =
                perSampleLosses.reshape(1, batch).matMul(membership).reshape(numGroups + 1);
        NDArray allCounts = membership.sum(new int[] {0});
        float[] host =
                NDArrays.concat(new NDList(allSums.stopGradient(), allCounts))
                        .toType(DataType.FLOAT32, false)
                        .toFloatArray();
        double[] sums = new double[numGroups];
        long[] counts = new long[numGroups];
        long unknown = Math.round(host[numGroups + 1]);
        long counted = unknown;
        boolean finite = Float.isFinite(host[0]);
        for (int g = 0; g < numGroups; g++) {
            sums[g] = host[g + 1];
            counts[g] = Math.round(host[numGroups + 2 + g]);
            counted += counts[g];
            finite &= Double.isFinite(sums[g]);
        }
        if (!finite) {
            // the one-hot product spreads a NaN or infinite loss over every group
            throw new NonFiniteLossException(
                    lossName
                            + ": the per-sample losses contain NaN or infinite values (group sums "
                            + Arrays.toString(sums)
                            + "); the predictions contain NaN or infinite values");
        }
        if (counted != batch) {
            throw new IllegalArgumentException(
                    lossName
                            + ": "
                            + (batch - counted)
                            + " samples of the batch have a group id outside [-1, "
                            + numGroups
                            + ")");
        }
        NDArray groupSums = allSums.get("1:");
        return new GroupSums(groupSums, sums, counts, unknown);
    }
}
