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
        return compute(perSampleLosses, groups, null, null, numGroups, lossName);
    }

    /**
     * Computes the per-group sums and checks, in the same host copy, that every sample's group
     * belongs to its class ({@code g / A == y}; not for a spec of one class, which has no class
     * structure).
     *
     * @param perSampleLosses the losses {@code [B]}
     * @param groups the group ids {@code [B]}, values in {@code [-1, G)}
     * @param labels the class labels {@code [B]}, or null to skip the check
     * @param classOfGroup the class of every group, or null to skip the check
     * @param numGroups the number of groups {@code G}
     * @param lossName the loss's name, for error messages
     * @return the group sums
     * @throws IllegalArgumentException on bad shapes, group ids out of range or of another class
     * @throws NonFiniteLossException if a group loss is not finite
     */
    static GroupSums compute(
            NDArray perSampleLosses, NDArray groups, NDArray labels, int[] classOfGroup, int numGroups, String lossName) {
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
        NDList parts = new NDList(allSums.stopGradient(), allCounts);
        if (labels != null && classOfGroup != null && Arrays.stream(classOfGroup).anyMatch(c -> c != 0)) {
            // The class of each sample's group (-1 for unknown groups) against its label.
            float[] columnClass = new float[numGroups + 1];
            columnClass[0] = -1;
            for (int g = 0; g < numGroups; g++) {
                columnClass[g + 1] = classOfGroup[g];
            }
            NDArray classes = ids.getManager().create(columnClass).toDevice(ids.getDevice(), false)
                    .toType(perSampleLosses.getDataType(), false);
            NDArray groupClass = membership.matMul(classes.reshape(numGroups + 1, 1)).reshape(batch);
            NDArray y = LossInputs.asInt64(LossInputs.vector(labels, "labels", batch, lossName), "labels", lossName)
                    .toType(perSampleLosses.getDataType(), false);
            NDArray wrong = groupClass.neq(y).logicalAnd(ids.gte(0)).toType(perSampleLosses.getDataType(), false).sum();
            parts.add(wrong.reshape(1));
        }
        float[] host =
                NDArrays.concat(parts)
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
        if (host.length > 2 * (numGroups + 1) && host[2 * (numGroups + 1)] > 0) {
            throw new IllegalArgumentException(
                    lossName + ": " + Math.round(host[2 * (numGroups + 1)])
                            + " samples of the batch have a group id of another class than their label"
                            + " (g = y * A + a)");
        }
        NDArray groupSums = allSums.get("1:");
        return new GroupSums(groupSums, sums, counts, unknown);
    }
}
