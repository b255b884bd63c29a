package dev.debias.data;

/**
 * The column layout of the labels {@link ai.djl.ndarray.NDList} that every {@link GroupedDataset}
 * yields and every Debias loss, metric and trainer reads.
 *
 * <p>Each entry is an int64 vector of the batch size. The class label stays at column 0 so that
 * DJL's own {@link ai.djl.training.evaluator.Accuracy} (which reads {@code labels.head()}) keeps
 * working. This class is the single place where the column numbers are written down.
 */
public final class GroupedLabels {

    /** Column of the class label {@code y}. */
    public static final int LABEL = 0;

    /** Column of the group id {@code g = y * numAttributes + a}; {@code -1} where unknown. */
    public static final int GROUP = 1;

    /** Column of the sample's stable index in its dataset. */
    public static final int INDEX = 2;

    /** Optional column of a per-sample float weight. */
    public static final int WEIGHT = 3;

    /** The group id of a sample whose bias attribute is unknown. */
    public static final int UNKNOWN_GROUP = -1;

    private GroupedLabels() {}
}
