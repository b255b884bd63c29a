package dev.debias.data;

import java.util.Optional;

/**
 * The splits of a grouped dataset: a training split and optional validation and test splits,
 * all sharing the training split's {@link GroupSpec} (whose group counts are the training
 * counts).
 *
 * <p>Closing the splits closes every dataset (their native copies).
 */
public final class GroupedSplits implements AutoCloseable {

    private final GroupedArrayDataset train;
    private final GroupedArrayDataset validation;
    private final GroupedArrayDataset test;

    /**
     * Creates the splits.
     *
     * @param train the training split
     * @param validation the validation split, or null if there is none
     * @param test the test split, or null if there is none
     */
    public GroupedSplits(
            GroupedArrayDataset train, GroupedArrayDataset validation, GroupedArrayDataset test) {
        if (train == null) {
            throw new IllegalArgumentException("the training split is required");
        }
        this.train = train;
        this.validation = validation;
        this.test = test;
    }

    /**
     * Returns the training split.
     *
     * @return the training split
     */
    public GroupedArrayDataset train() {
        return train;
    }

    /**
     * Returns the validation split, if there is one.
     *
     * @return the validation split
     */
    public Optional<GroupedArrayDataset> validation() {
        return Optional.ofNullable(validation);
    }

    /**
     * Returns the test split, if there is one.
     *
     * @return the test split
     */
    public Optional<GroupedArrayDataset> test() {
        return Optional.ofNullable(test);
    }

    /**
     * Returns the group layout, shared by all splits.
     *
     * @return the training split's group spec
     */
    public GroupSpec groupSpec() {
        return train.groupSpec();
    }

    /**
     * Returns the number of training samples of every group.
     *
     * @return counts indexed by group id
     */
    public long[] trainGroupCounts() {
        return train.groupSpec().groupCounts();
    }

    /** Closes every split. */
    @Override
    public void close() {
        train.close();
        if (validation != null) {
            validation.close();
        }
        if (test != null) {
            test.close();
        }
    }
}
