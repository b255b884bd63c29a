package dev.debias.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Shape checks and label-column access shared by the losses of this package. */
final class LossInputs {

    private LossInputs() {}

    /**
     * Returns prediction entry {@code index}, checked to be a logits matrix {@code [B, K]}.
     *
     * @param predictions the model outputs
     * @param index the entry to read
     * @param loss the loss name, for messages
     * @return the logits
     */
    static NDArray logits(NDList predictions, int index, String loss) {
        int size = predictions == null ? 0 : predictions.size();
        if (size <= index) {
            throw new IllegalArgumentException(
                    loss
                            + ": expected logits [B, K] at predictions["
                            + index
                            + "], but the predictions hold "
                            + size
                            + " arrays");
        }
        NDArray logits = predictions.get(index);
        checkLogits(logits, loss);
        return logits;
    }

    /**
     * Checks that an array is a non-empty logits matrix {@code [B, K]}.
     *
     * @param logits the array
     * @param loss the loss name, for messages
     */
    static void checkLogits(NDArray logits, String loss) {
        Shape shape = logits.getShape();
        if (shape.dimension() != 2 || shape.get(1) < 1) {
            throw new IllegalArgumentException(
                    loss + ": logits must have shape [B, K] with K >= 1, got " + shape);
        }
    }

    /**
     * Returns label column {@code column} as a vector {@code [B]}; {@code [B, 1]} is accepted and
     * reshaped.
     *
     * @param labels the label columns
     * @param column the column index
     * @param columnName the column's name, for messages
     * @param batchSize the expected batch size {@code B}
     * @param loss the loss name, for messages
     * @return the column, shape {@code [B]}
     */
    static NDArray column(
            NDList labels, int column, String columnName, long batchSize, String loss) {
        int size = labels == null ? 0 : labels.size();
        if (size <= column) {
            throw new IllegalArgumentException(
                    loss
                            + ": the "
                            + columnName
                            + " label column (index "
                            + column
                            + ") is missing; the labels hold "
                            + size
                            + " columns");
        }
        return vector(labels.get(column), columnName, batchSize, loss);
    }

    /**
     * Checks that an array is a vector of the batch size ({@code [B]} or {@code [B, 1]}) and
     * returns it with shape {@code [B]}.
     *
     * @param array the array
     * @param name what the array is, for messages
     * @param batchSize the expected batch size {@code B}
     * @param loss the loss name, for messages
     * @return the array, shape {@code [B]}
     */
    static NDArray vector(NDArray array, String name, long batchSize, String loss) {
        Shape shape = array.getShape();
        boolean flat = shape.dimension() == 1 && shape.get(0) == batchSize;
        boolean column = shape.dimension() == 2 && shape.get(0) == batchSize && shape.get(1) == 1;
        if (!flat && !column) {
            throw new IllegalArgumentException(
                    loss
                            + ": "
                            + name
                            + " must have shape ["
                            + batchSize
                            + "] to match the batch, got "
                            + shape);
        }
        return flat ? array : array.reshape(batchSize);
    }

    /**
     * Returns an integer id vector as int64, converting other numeric types; float ids must be
     * whole numbers.
     *
     * @param ids the ids
     * @param what what the ids are, for messages
     * @param loss the loss name, for messages
     * @return the ids as int64
     * @throws IllegalArgumentException if a float id has a fraction
     */
    static NDArray asInt64(NDArray ids, String what, String loss) {
        if (ids.getDataType() == DataType.INT64) {
            return ids;
        }
        if (ids.getDataType().isFloating()) {
            // Never truncate silently: 2.7 is not class 2. One host read, only for float inputs.
            try (NDArray floor = ids.floor();
                    NDArray fraction = ids.sub(floor);
                    NDArray any = fraction.abs().max()) {
                float largest = any.toType(DataType.FLOAT32, false).getFloat();
                if (largest != 0f) {
                    throw new IllegalArgumentException(
                            loss + ": " + what + " must be whole numbers, got a value with fraction " + largest
                                    + " (give int64 ids)");
                }
            }
        }
        return ids.toType(DataType.INT64, false);
    }

    /**
     * Throws if a scalar loss is NaN or infinite; returns it otherwise.
     *
     * <p>This copies one number to the host, which DJL's loss accumulators do anyway.
     *
     * @param value the scalar loss
     * @param loss the loss name, for messages
     * @return {@code value}
     */
    static NDArray requireFinite(NDArray value, String loss) {
        float v =
                value.getDataType() == DataType.FLOAT32
                        ? value.getFloat()
                        : value.toType(DataType.FLOAT32, false).getFloat();
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException(
                    loss
                            + ": the loss is "
                            + v
                            + "; the predictions contain NaN or infinite values (or the"
                            + " model assigns probability 0 to a label)");
        }
        return value;
    }
}
