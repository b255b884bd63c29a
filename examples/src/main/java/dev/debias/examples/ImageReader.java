package dev.debias.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedArrayDataset;
import dev.debias.data.IdxImages;
import dev.debias.model.Backbones;
import dev.debias.train.ErmConfig;
import dev.debias.train.ErmTrainer;
import dev.debias.train.ModelSelection;
import dev.debias.train.OptimizerConfig;
import dev.debias.train.TrainingConfig;

import java.util.Arrays;

/**
 * A classifier of 28&times;28 grey images that reads translated images for {@link
 * TranslationQuality}: CAMEL's MNIST CNN ({@code cnn-camel}) trained with ERM (Adam 1e-3, 1,000
 * steps of 128) on labelled images, with its accuracy on held-out images.
 */
final class ImageReader implements AutoCloseable {

    private static final Shape IMAGE = new Shape(1, 28, 28);
    private static final int CHUNK = 512;

    private final ErmTrainer trainer;
    private final double testAccuracy;

    private ImageReader(ErmTrainer trainer, double testAccuracy) {
        this.trainer = trainer;
        this.testAccuracy = testAccuracy;
    }

    /**
     * Trains a reader.
     *
     * @param train the training images
     * @param trainLabels their labels, in {@code [0, classes)}
     * @param test the held-out images
     * @param testLabels their labels
     * @param classes the number of classes
     * @param seed the seed of the training run
     * @return the trained reader
     */
    static ImageReader train(IdxImages train, int[] trainLabels, IdxImages test, int[] testLabels, int classes, long seed) {
        GroupSpec spec = GroupSpec.classOnly(classes);
        ErmTrainer trainer = new ErmTrainer(
                ErmConfig.builder()
                        .setTraining(TrainingConfig.builder()
                                .setIterations(1_000)
                                .optBatchSize(128)
                                .optOptimizer(OptimizerConfig.adam(1e-3f).build())
                                .optEvaluateEvery(500)
                                .optModelSelection(ModelSelection.LAST)
                                .optProgressBar(false)
                                .optSeed(seed)
                                .build())
                        .build(),
                () -> Backbones.create("cnn-camel", classes, IMAGE),
                new Shape(1, 1, 28, 28));
        try (GroupedArrayDataset trainSet = dataset(train, trainLabels, spec);
                GroupedArrayDataset testSet = dataset(test, testLabels, spec)) {
            trainer.fit(trainSet, testSet);
            return new ImageReader(trainer, trainer.evaluate(testSet).averageAccuracy());
        } catch (RuntimeException e) {
            trainer.close();
            throw e;
        }
    }

    private static GroupedArrayDataset dataset(IdxImages images, int[] labels, GroupSpec spec) {
        return GroupedArrayDataset.builder().setImages(images.pixels(), IMAGE).setLabels(labels).optGroupSpec(spec).build();
    }

    /**
     * Returns the reader's accuracy on the held-out images it was given.
     *
     * @return the accuracy in [0, 1]
     */
    double testAccuracy() {
        return testAccuracy;
    }

    /**
     * Reads images.
     *
     * @param images {@code count} images of 28&times;28 values in [0, 1], one after another
     * @param count the number of images
     * @return the predicted class of every image
     */
    long[] read(float[] images, int count) {
        long[] predicted = new long[count];
        int plane = 28 * 28;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int from = 0; from < count; from += CHUNK) {
                int k = Math.min(CHUNK, count - from);
                try (NDManager scope = manager.newSubManager()) {
                    NDArray x = scope.create(Arrays.copyOfRange(images, from * plane, (from + k) * plane), new Shape(k, 1, 28, 28));
                    long[] chunk = trainer.reportedModel().inference().apply(new NDList(x)).head().argMax(1).toLongArray();
                    System.arraycopy(chunk, 0, predicted, from, k);
                }
            }
        }
        return predicted;
    }

    /** Closes the reader's model. */
    @Override
    public void close() {
        trainer.close();
    }
}
