package dev.debias.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A classification network split into a feature extractor and a classifier head: {@code logits =
 * classifier(features(x))}.
 *
 * <p>The split is what the two-network methods need: DisEnt concatenates the features of two
 * encoders before its own classifiers, DCWP reads the pooled features for its contrastive loss.
 * {@link #getFeatures()} maps a batch of inputs to {@code [B, getFeatureDimension()]}, {@link
 * #getClassifier()} maps such a feature batch to logits {@code [B, getNumClasses()]}. Both are
 * ordinary child blocks, so they share the parameters of this block and can be run on their own
 * with the same {@link ParameterStore} once this block is initialised.
 */
public abstract class Backbone extends AbstractBlock {

    private final Block features;
    private final Block classifier;
    private final int featureDimension;
    private final int numClasses;

    /**
     * Creates a backbone from its two parts.
     *
     * @param features the feature extractor, output {@code [B, featureDimension]}
     * @param classifier the head, output {@code [B, numClasses]}
     * @param featureDimension the width of the feature vector
     * @param numClasses the number of classes
     */
    protected Backbone(Block features, Block classifier, int featureDimension, int numClasses) {
        if (featureDimension < 1) {
            throw new IllegalArgumentException(
                    "feature dimension must be positive, got " + featureDimension);
        }
        requireNumClasses(numClasses);
        this.features = addChildBlock("features", features);
        this.classifier = addChildBlock("classifier", classifier);
        this.featureDimension = featureDimension;
        this.numClasses = numClasses;
    }

    /**
     * Returns the feature extractor: inputs to {@code [B, getFeatureDimension()]}.
     *
     * @return the feature block
     */
    public Block getFeatures() {
        return features;
    }

    /**
     * Returns the classifier head: features {@code [B, getFeatureDimension()]} to logits.
     *
     * @return the classifier block
     */
    public Block getClassifier() {
        return classifier;
    }

    /**
     * Returns the width of the feature vector.
     *
     * @return the feature dimension
     */
    public int getFeatureDimension() {
        return featureDimension;
    }

    /**
     * Returns the number of classes (the width of the logits).
     *
     * @return the number of classes
     */
    public int getNumClasses() {
        return numClasses;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDList z = features.forward(parameterStore, inputs, training, params);
        return classifier.forward(parameterStore, z, training, params);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return classifier.getOutputShapes(features.getOutputShapes(inputShapes));
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        features.initialize(manager, dataType, inputShapes);
        classifier.initialize(manager, dataType, features.getOutputShapes(inputShapes));
    }

    static void requireNumClasses(int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException(
                    "number of classes must be positive, got " + numClasses);
        }
    }
}
