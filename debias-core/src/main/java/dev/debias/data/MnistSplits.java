package dev.debias.data;

/**
 * The two splits of an MNIST-style dataset as read from its IDX files: training and test images
 * (single-channel uint8) with their labels, in file order.
 */
public final class MnistSplits {

    private final IdxImages trainImages;
    private final int[] trainLabels;
    private final IdxImages testImages;
    private final int[] testLabels;

    /**
     * Creates the splits.
     *
     * @param trainImages the training images
     * @param trainLabels one label per training image (not copied)
     * @param testImages the test images
     * @param testLabels one label per test image (not copied)
     * @throws IllegalArgumentException if a split's image and label counts differ, or the two
     *     splits' image sizes differ
     */
    public MnistSplits(
            IdxImages trainImages, int[] trainLabels, IdxImages testImages, int[] testLabels) {
        checkCounts("training", trainImages, trainLabels);
        checkCounts("test", testImages, testLabels);
        if (trainImages.rows() != testImages.rows() || trainImages.cols() != testImages.cols()) {
            throw new IllegalArgumentException(
                    "training images are "
                            + trainImages.rows()
                            + " x "
                            + trainImages.cols()
                            + " but test images are "
                            + testImages.rows()
                            + " x "
                            + testImages.cols());
        }
        this.trainImages = trainImages;
        this.trainLabels = trainLabels;
        this.testImages = testImages;
        this.testLabels = testLabels;
    }

    private static void checkCounts(String split, IdxImages images, int[] labels) {
        if (images.count() != labels.length) {
            throw new IllegalArgumentException(
                    split
                            + " split has "
                            + images.count()
                            + " images but "
                            + labels.length
                            + " labels");
        }
    }

    /**
     * Returns the training images.
     *
     * @return the training images
     */
    public IdxImages trainImages() {
        return trainImages;
    }

    /**
     * Returns the training labels.
     *
     * @return the labels (not a copy; do not modify)
     */
    public int[] trainLabels() {
        return trainLabels;
    }

    /**
     * Returns the test images.
     *
     * @return the test images
     */
    public IdxImages testImages() {
        return testImages;
    }

    /**
     * Returns the test labels.
     *
     * @return the labels (not a copy; do not modify)
     */
    public int[] testLabels() {
        return testLabels;
    }
}
