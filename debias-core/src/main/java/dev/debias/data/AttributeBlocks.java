package dev.debias.data;

/**
 * The deterministic bias-attribute assignment of "Learning from Failure" (Nam et al., NeurIPS
 * 2020) for Colored MNIST and Corrupted CIFAR-10.
 *
 * <p>Class {@code c} has {@code A} attribute values; its aligned value {@code c} gets the share
 * {@code rho} and every other value {@code (1 - rho) / (A - 1)}. The shares are accumulated in
 * double precision, attribute 0 first, into {@code s_j}, and the block boundaries are {@code m_j =
 * rint(n_c * s_j)} (rounding half to even). Walking through the class's samples in dataset order,
 * the {@code k}-th sample gets the smallest attribute {@code j} with {@code m_j > k}: ten
 * consecutive blocks for ten attributes, the large one being the aligned attribute.
 */
public final class AttributeBlocks {

    private AttributeBlocks() {}

    /**
     * Returns the size of every attribute block of one class.
     *
     * @param count the number of samples of the class
     * @param alignedAttribute the class's aligned attribute (its own index under the diagonal
     *     alignment)
     * @param numAttributes the number of attribute values {@code A}, at least 2
     * @param alignedShare the share {@code rho} of the aligned attribute, in {@code [0, 1]}
     * @return {@code A} block sizes summing to {@code count}
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static int[] blockSizes(
            int count, int alignedAttribute, int numAttributes, double alignedShare) {
        int[] milestones = milestones(count, alignedAttribute, numAttributes, alignedShare);
        int[] sizes = new int[numAttributes];
        int previous = 0;
        for (int j = 0; j < numAttributes; j++) {
            sizes[j] = milestones[j] - previous;
            previous = milestones[j];
        }
        return sizes;
    }

    /**
     * Assigns an attribute to every sample, the aligned attribute of class {@code y} being {@code
     * y}.
     *
     * @param labels the class label of every sample, in dataset order, each in {@code [0, A)}
     * @param numAttributes the number of attribute values {@code A}, at least 2
     * @param alignedShare the share {@code rho} of the aligned attribute, in {@code [0, 1]}
     * @return the attribute of every sample
     * @throws IllegalArgumentException if a label is out of range
     */
    public static int[] assign(int[] labels, int numAttributes, double alignedShare) {
        int[] classCounts = new int[numAttributes];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numAttributes) {
                throw new IllegalArgumentException(
                        "sample "
                                + i
                                + ": label "
                                + labels[i]
                                + " outside [0, "
                                + numAttributes
                                + ") of the diagonal alignment");
            }
            classCounts[labels[i]]++;
        }
        int[][] milestones = new int[numAttributes][];
        for (int c = 0; c < numAttributes; c++) {
            milestones[c] = milestones(classCounts[c], c, numAttributes, alignedShare);
        }
        int[] seen = new int[numAttributes];
        int[] attributes = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            int c = labels[i];
            int k = seen[c]++;
            int[] m = milestones[c];
            int j = 0;
            while (m[j] <= k) {
                j++;
            }
            attributes[i] = j;
        }
        return attributes;
    }

    /** Returns the block boundaries {@code m_j}; the last one always equals {@code count}. */
    private static int[] milestones(
            int count, int alignedAttribute, int numAttributes, double alignedShare) {
        if (numAttributes < 2) {
            throw new IllegalArgumentException(
                    "the block assignment needs at least 2 attribute values, got " + numAttributes);
        }
        if (alignedAttribute < 0 || alignedAttribute >= numAttributes) {
            throw new IllegalArgumentException(
                    "aligned attribute " + alignedAttribute + " outside [0, " + numAttributes + ")");
        }
        if (!(alignedShare >= 0 && alignedShare <= 1)) {
            throw new IllegalArgumentException("aligned share " + alignedShare + " outside [0, 1]");
        }
        if (count < 0) {
            throw new IllegalArgumentException("negative sample count " + count);
        }
        double other = (1 - alignedShare) / (numAttributes - 1);
        int[] milestones = new int[numAttributes];
        double cumulative = 0;
        for (int j = 0; j < numAttributes; j++) {
            cumulative += j == alignedAttribute ? alignedShare : other;
            milestones[j] = (int) Math.rint(count * cumulative);
        }
        if (milestones[numAttributes - 1] != count) {
            throw new IllegalStateException(
                    "block boundaries end at "
                            + milestones[numAttributes - 1]
                            + " instead of "
                            + count
                            + " (aligned share "
                            + alignedShare
                            + ")");
        }
        return milestones;
    }
}
