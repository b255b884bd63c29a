package dev.debias.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Describes the groups of a grouped dataset: the number of classes {@code K}, of bias-attribute
 * values {@code A}, the {@code K * A} groups {@code g = y * A + a}, their names, their training
 * counts, and which attribute value is bias-aligned for each class.
 *
 * <p>The aligned attribute of a class is the attribute value that dominates that class in the
 * training data (for Colored MNIST: colour index == digit). It makes "bias-aligned" and
 * "bias-conflicting" accuracy well defined for every dataset. A class whose aligned attribute is
 * unknown ({@code -1}) has no aligned group.
 *
 * <p>Instances are immutable; build one with {@link #builder(int, int)} or derive one from labels
 * with {@link #fromLabels(int, int, int[], int[])}.
 */
public final class GroupSpec {

    /** The most groups (classes x attribute values) a spec holds. */
    public static final int MAX_GROUPS = 1 << 20;


    private final int numClasses;
    private final int numAttributes;
    private final List<String> classNames;
    private final List<String> attributeNames;
    private final long[] groupCounts;
    private final int[] alignedAttributes;

    private GroupSpec(Builder builder) {
        this.numClasses = builder.numClasses;
        this.numAttributes = builder.numAttributes;
        this.classNames = Collections.unmodifiableList(new ArrayList<>(builder.classNames));
        this.attributeNames = Collections.unmodifiableList(new ArrayList<>(builder.attributeNames));
        this.groupCounts = builder.groupCounts.clone();
        this.alignedAttributes = builder.alignedAttributes.clone();
    }

    /**
     * Returns a builder for a spec with {@code numClasses} classes and {@code numAttributes}
     * attribute values.
     *
     * @param numClasses the number of classes {@code K}, at least 1
     * @param numAttributes the number of bias-attribute values {@code A}, at least 1
     * @return a new builder
     */
    public static Builder builder(int numClasses, int numAttributes) {
        return new Builder(numClasses, numAttributes);
    }

    /**
     * Returns a spec whose groups are the classes alone ({@code A = 1}), for data without bias
     * labels.
     *
     * @param numClasses the number of classes
     * @return the class-only spec
     */
    public static GroupSpec classOnly(int numClasses) {
        return builder(numClasses, 1).build();
    }

    /**
     * Derives a spec from training labels: counts every group and takes, per class, the most
     * frequent attribute value as its aligned attribute.
     *
     * @param numClasses the number of classes
     * @param numAttributes the number of attribute values
     * @param labels class label per training sample
     * @param attributes bias attribute per training sample ({@code -1} where unknown)
     * @return the spec
     * @throws IllegalArgumentException if the arrays differ in length or hold values out of range
     */
    public static GroupSpec fromLabels(
            int numClasses, int numAttributes, int[] labels, int[] attributes) {
        if (labels.length != attributes.length) {
            throw new IllegalArgumentException(
                    "labels and attributes differ in length: "
                            + labels.length
                            + " vs "
                            + attributes.length);
        }
        Builder builder = builder(numClasses, numAttributes);
        long[] counts = new long[numClasses * numAttributes];
        for (int i = 0; i < labels.length; i++) {
            builder.checkLabel(labels[i], "sample " + i);
            if (attributes[i] == -1) {
                continue;
            }
            builder.checkAttribute(attributes[i], "sample " + i);
            counts[labels[i] * numAttributes + attributes[i]]++;
        }
        int[] aligned = new int[numClasses];
        for (int c = 0; c < numClasses; c++) {
            int best = -1;
            long bestCount = 0;
            for (int a = 0; a < numAttributes; a++) {
                long n = counts[c * numAttributes + a];
                if (n > bestCount) {
                    best = a;
                    bestCount = n;
                }
            }
            aligned[c] = numAttributes > 1 ? best : -1;
        }
        return builder.optGroupCounts(counts).optAlignedAttributes(aligned).build();
    }

    /**
     * Returns the number of classes {@code K}.
     *
     * @return the number of classes
     */
    public int numClasses() {
        return numClasses;
    }

    /**
     * Returns the number of bias-attribute values {@code A}.
     *
     * @return the number of attribute values
     */
    public int numAttributes() {
        return numAttributes;
    }

    /**
     * Returns the number of groups {@code K * A}.
     *
     * @return the number of groups
     */
    public int numGroups() {
        return numClasses * numAttributes;
    }

    /**
     * Returns the group id of a (class, attribute) pair, {@code y * A + a}.
     *
     * @param label the class label
     * @param attribute the attribute value, or {@code -1} if unknown
     * @return the group id, or {@link GroupedLabels#UNKNOWN_GROUP} if the attribute is unknown
     * @throws IllegalArgumentException if a value is out of range
     */
    public int groupOf(int label, int attribute) {
        if (label < 0 || label >= numClasses) {
            throw new IllegalArgumentException(
                    "class label " + label + " outside [0, " + numClasses + ")");
        }
        if (attribute == -1) {
            return GroupedLabels.UNKNOWN_GROUP;
        }
        if (attribute < 0 || attribute >= numAttributes) {
            throw new IllegalArgumentException(
                    "attribute " + attribute + " outside [0, " + numAttributes + ")");
        }
        return label * numAttributes + attribute;
    }

    /**
     * Returns the class of a group.
     *
     * @param group the group id
     * @return its class label
     */
    public int classOf(int group) {
        checkGroup(group);
        return group / numAttributes;
    }

    /**
     * Returns the attribute value of a group.
     *
     * @param group the group id
     * @return its attribute value
     */
    public int attributeOf(int group) {
        checkGroup(group);
        return group % numAttributes;
    }

    /**
     * Returns whether a group is bias-aligned: its attribute is the aligned attribute of its class.
     *
     * @param group the group id
     * @return true for an aligned group
     */
    public boolean isAligned(int group) {
        int aligned = alignedAttributes[classOf(group)];
        return aligned >= 0 && aligned == attributeOf(group);
    }

    /**
     * Returns whether a group is bias-conflicting: its class has a known aligned attribute and the
     * group's attribute differs from it.
     *
     * @param group the group id
     * @return true for a conflicting group
     */
    public boolean isConflicting(int group) {
        int aligned = alignedAttributes[classOf(group)];
        return aligned >= 0 && aligned != attributeOf(group);
    }

    /**
     * Returns the aligned attribute of a class, or {@code -1} if unknown.
     *
     * @param label the class label
     * @return the aligned attribute
     */
    public int alignedAttribute(int label) {
        return alignedAttributes[label];
    }

    /**
     * Returns the training count of each group (zeros if unknown).
     *
     * @return a copy of the counts, indexed by group id
     */
    public long[] groupCounts() {
        return groupCounts.clone();
    }

    /**
     * Returns the training count of one group.
     *
     * @param group the group id
     * @return its count
     */
    public long groupCount(int group) {
        checkGroup(group);
        return groupCounts[group];
    }

    /**
     * Returns the class names.
     *
     * @return the class names, {@code K} entries
     */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * Returns the attribute names.
     *
     * @return the attribute names, {@code A} entries
     */
    public List<String> attributeNames() {
        return attributeNames;
    }

    /**
     * Returns a readable name of a group, e.g. {@code y=3,a=7}.
     *
     * @param group the group id
     * @return the name
     */
    public String groupName(int group) {
        return "y=" + classNames.get(classOf(group)) + ",a=" + attributeNames.get(attributeOf(group));
    }

    /**
     * Returns a copy of this spec with other training counts.
     *
     * @param counts the counts per group
     * @return the new spec
     */
    public GroupSpec withGroupCounts(long[] counts) {
        return toBuilder().optGroupCounts(counts).build();
    }

    /**
     * Returns a builder that starts from this spec.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        return builder(numClasses, numAttributes)
                .optClassNames(classNames)
                .optAttributeNames(attributeNames)
                .optGroupCounts(groupCounts)
                .optAlignedAttributes(alignedAttributes);
    }

    private void checkGroup(int group) {
        if (group < 0 || group >= numGroups()) {
            throw new IllegalArgumentException(
                    "group id " + group + " outside [0, " + numGroups() + ")");
        }
    }

    /** {@inheritDoc} */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GroupSpec)) {
            return false;
        }
        GroupSpec other = (GroupSpec) o;
        return numClasses == other.numClasses
                && numAttributes == other.numAttributes
                && classNames.equals(other.classNames)
                && attributeNames.equals(other.attributeNames)
                && Arrays.equals(groupCounts, other.groupCounts)
                && Arrays.equals(alignedAttributes, other.alignedAttributes);
    }

    /** {@inheritDoc} */
    @Override
    public int hashCode() {
        return 31 * (31 * numClasses + numAttributes) + Arrays.hashCode(groupCounts);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "GroupSpec{classes="
                + numClasses
                + ", attributes="
                + numAttributes
                + ", counts="
                + Arrays.toString(groupCounts)
                + ", aligned="
                + Arrays.toString(alignedAttributes)
                + '}';
    }

    /** Builds a {@link GroupSpec}. */
    public static final class Builder {

        private final int numClasses;
        private final int numAttributes;
        private List<String> classNames;
        private List<String> attributeNames;
        private long[] groupCounts;
        private int[] alignedAttributes;

        Builder(int numClasses, int numAttributes) {
            if (numClasses < 1 || numAttributes < 1) {
                throw new IllegalArgumentException(
                        "a GroupSpec needs at least one class and one attribute value, got "
                                + numClasses
                                + " and "
                                + numAttributes);
            }
            if ((long) numClasses * numAttributes > MAX_GROUPS) {
                throw new IllegalArgumentException(
                        numClasses + " classes x " + numAttributes + " attribute values make "
                                + (long) numClasses * numAttributes + " groups, more than the " + MAX_GROUPS
                                + " a GroupSpec holds; a class or attribute label is probably wrong (labels are"
                                + " 0-based and the count is the largest label + 1)");
            }
            this.numClasses = numClasses;
            this.numAttributes = numAttributes;
            this.classNames = numberedNames(numClasses);
            this.attributeNames = numberedNames(numAttributes);
            this.groupCounts = new long[numClasses * numAttributes];
            this.alignedAttributes = new int[numClasses];
            Arrays.fill(alignedAttributes, -1);
        }

        private static List<String> numberedNames(int n) {
            List<String> names = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                names.add(Integer.toString(i));
            }
            return names;
        }

        void checkLabel(int label, String where) {
            if (label < 0 || label >= numClasses) {
                throw new IllegalArgumentException(
                        where + ": class label " + label + " outside [0, " + numClasses + ")");
            }
        }

        void checkAttribute(int attribute, String where) {
            if (attribute < 0 || attribute >= numAttributes) {
                throw new IllegalArgumentException(
                        where + ": attribute " + attribute + " outside [0, " + numAttributes + ")");
            }
        }

        /**
         * Sets the class names.
         *
         * @param names {@code K} names
         * @return this builder
         */
        public Builder optClassNames(List<String> names) {
            if (names.size() != numClasses) {
                throw new IllegalArgumentException(
                        "expected " + numClasses + " class names, got " + names.size());
            }
            this.classNames = new ArrayList<>(names);
            return this;
        }

        /**
         * Sets the attribute names.
         *
         * @param names {@code A} names
         * @return this builder
         */
        public Builder optAttributeNames(List<String> names) {
            if (names.size() != numAttributes) {
                throw new IllegalArgumentException(
                        "expected " + numAttributes + " attribute names, got " + names.size());
            }
            this.attributeNames = new ArrayList<>(names);
            return this;
        }

        /**
         * Sets the training count of each group.
         *
         * @param counts {@code K * A} non-negative counts
         * @return this builder
         */
        public Builder optGroupCounts(long[] counts) {
            if (counts.length != numClasses * numAttributes) {
                throw new IllegalArgumentException(
                        "expected " + numClasses * numAttributes + " group counts, got " + counts.length);
            }
            for (int g = 0; g < counts.length; g++) {
                if (counts[g] < 0) {
                    throw new IllegalArgumentException("negative count for group " + g);
                }
            }
            this.groupCounts = counts.clone();
            return this;
        }

        /**
         * Sets the aligned attribute value of each class ({@code -1} where unknown).
         *
         * @param aligned {@code K} attribute values
         * @return this builder
         */
        public Builder optAlignedAttributes(int[] aligned) {
            if (aligned.length != numClasses) {
                throw new IllegalArgumentException(
                        "expected " + numClasses + " aligned attributes, got " + aligned.length);
            }
            for (int c = 0; c < aligned.length; c++) {
                if (aligned[c] != -1) {
                    checkAttribute(aligned[c], "aligned attribute of class " + c);
                }
            }
            this.alignedAttributes = aligned.clone();
            return this;
        }

        /**
         * Marks attribute {@code a == y} as aligned for every class (Colored MNIST, Corrupted
         * CIFAR-10, the DisEnt folder layout). Requires {@code A >= K}.
         *
         * @return this builder
         */
        public Builder optDiagonalAlignment() {
            if (numAttributes < numClasses) {
                throw new IllegalArgumentException(
                        "diagonal alignment needs at least as many attributes as classes");
            }
            for (int c = 0; c < numClasses; c++) {
                alignedAttributes[c] = c;
            }
            return this;
        }

        /**
         * Builds the spec.
         *
         * @return the immutable spec
         */
        public GroupSpec build() {
            return new GroupSpec(this);
        }
    }
}
