package dev.debias.gan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import dev.debias.model.Backbone;
import dev.debias.model.ColoredMnistMlp;
import dev.debias.model.PyTorchInit;
import dev.debias.model.ResNet18;

import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The network of DisEnt (Lee et al., "Learning Debiased Representation via Disentangled Feature
 * Augmentation", NeurIPS 2021): an intrinsic encoder {@code E_i} and a bias encoder {@code E_b}
 * of one architecture, each with {@code d} features, and two linear classifiers {@code C_i} and
 * {@code C_b} over the concatenation {@code [z_i, z_b]} ({@code 2d -> K}).
 *
 * <p>Its forward pass is the prediction: {@code C_i([E_i(x), E_b(x)])}, so the saved block loads
 * and predicts with plain DJL. Training reaches each part on its own ({@link
 * #intrinsicFeatures}, {@link #biasFeatures}, {@link #classifyIntrinsic}, {@link
 * #classifyBias}), without forward hooks. The two (encoder, classifier) pairs are the two
 * parameter groups DisEnt optimises with separate optimisers ({@link #intrinsicParameters()},
 * {@link #biasParameters()}).
 *
 * <pre>{@code
 * DisEntModel model = DisEntModel.coloredMnist(10);         // MLP 2352 -> 100 -> 100 -> 16, twice
 * DisEntModel cifar = DisEntModel.resNet18(10);             // ResNet-18, 512-d pooled features
 * }</pre>
 */
public final class DisEntModel extends AbstractBlock {

    private static final byte VERSION = 1;
    private static final String INTRINSIC_ENCODER = "intrinsicEncoder";
    private static final String BIAS_ENCODER = "biasEncoder";
    private static final String INTRINSIC_CLASSIFIER = "intrinsicClassifier";
    private static final String BIAS_CLASSIFIER = "biasClassifier";

    private final Block intrinsicEncoder;
    private final Block biasEncoder;
    private final Block intrinsicClassifier;
    private final Block biasClassifier;
    private final int featureDimension;
    private final int numClasses;

    private DisEntModel(Backbone intrinsic, Backbone bias) {
        super(VERSION);
        if (intrinsic.getFeatureDimension() != bias.getFeatureDimension()
                || intrinsic.getNumClasses() != bias.getNumClasses()) {
            throw new IllegalArgumentException(
                    "DisEnt's encoders must have one architecture: feature dimensions "
                            + intrinsic.getFeatureDimension() + " and " + bias.getFeatureDimension()
                            + ", classes " + intrinsic.getNumClasses() + " and " + bias.getNumClasses());
        }
        this.featureDimension = intrinsic.getFeatureDimension();
        this.numClasses = intrinsic.getNumClasses();
        this.intrinsicEncoder = addChildBlock(INTRINSIC_ENCODER, intrinsic.getFeatures());
        this.biasEncoder = addChildBlock(BIAS_ENCODER, bias.getFeatures());
        Block ci = Linear.builder().setUnits(numClasses).build();
        Block cb = Linear.builder().setUnits(numClasses).build();
        PyTorchInit.applyDefaults(ci);
        PyTorchInit.applyDefaults(cb);
        this.intrinsicClassifier = addChildBlock(INTRINSIC_CLASSIFIER, ci);
        this.biasClassifier = addChildBlock(BIAS_CLASSIFIER, cb);
    }

    /**
     * Creates the model from two fresh backbones of one architecture; their feature extractors
     * become the encoders (their own classifier heads are not used).
     *
     * @param backbones makes a fresh, uninitialised backbone per call
     * @return the model
     */
    public static DisEntModel of(Supplier<? extends Backbone> backbones) {
        return new DisEntModel(backbones.get(), backbones.get());
    }

    /**
     * Returns the Colored MNIST model of the reference: encoders {@code 2352 -> 100 -> 100 -> 16}
     * with ReLU after each layer, the input divided by 255 inside, classifiers {@code 32 -> K}.
     *
     * @param numClasses the number of classes
     * @return the model
     */
    public static DisEntModel coloredMnist(int numClasses) {
        return of(() -> ColoredMnistMlp.disent().setNumClasses(numClasses).build());
    }

    /**
     * Returns the model of the reference for Corrupted CIFAR-10 and BFFHQ: randomly initialised
     * ResNet-18 encoders with the ImageNet stem (kept for 32 x 32 inputs too, as the reference),
     * 512 pooled features each, classifiers {@code 1024 -> K}.
     *
     * @param numClasses the number of classes
     * @return the model
     */
    public static DisEntModel resNet18(int numClasses) {
        return of(() -> ResNet18.imagenet(numClasses));
    }

    /**
     * Returns the width {@code d} of each encoder's features.
     *
     * @return the feature dimension
     */
    public int featureDimension() {
        return featureDimension;
    }

    /**
     * Returns the number of classes.
     *
     * @return the number of classes
     */
    public int numClasses() {
        return numClasses;
    }

    /**
     * Runs the intrinsic encoder.
     *
     * @param parameters the parameter store
     * @param x the inputs
     * @param training whether in training mode
     * @return {@code z_i} {@code [B, d]}
     */
    public NDArray intrinsicFeatures(ParameterStore parameters, NDArray x, boolean training) {
        return intrinsicEncoder.forward(parameters, new NDList(x), training).head();
    }

    /**
     * Runs the bias encoder.
     *
     * @param parameters the parameter store
     * @param x the inputs
     * @param training whether in training mode
     * @return {@code z_b} {@code [B, d]}
     */
    public NDArray biasFeatures(ParameterStore parameters, NDArray x, boolean training) {
        return biasEncoder.forward(parameters, new NDList(x), training).head();
    }

    /**
     * Runs the intrinsic classifier on concatenated features.
     *
     * @param parameters the parameter store
     * @param z {@code [B, 2d]}
     * @param training whether in training mode
     * @return the logits {@code [B, K]}
     */
    public NDArray classifyIntrinsic(ParameterStore parameters, NDArray z, boolean training) {
        return intrinsicClassifier.forward(parameters, new NDList(checkFeatures(z)), training).head();
    }

    /**
     * Runs the bias classifier on concatenated features.
     *
     * @param parameters the parameter store
     * @param z {@code [B, 2d]}
     * @param training whether in training mode
     * @return the logits {@code [B, K]}
     */
    public NDArray classifyBias(ParameterStore parameters, NDArray z, boolean training) {
        return biasClassifier.forward(parameters, new NDList(checkFeatures(z)), training).head();
    }

    private NDArray checkFeatures(NDArray z) {
        Shape shape = z.getShape();
        if (shape.dimension() != 2 || shape.get(1) != 2L * featureDimension) {
            throw new IllegalArgumentException(
                    "DisEnt's classifiers take [B, " + 2 * featureDimension + "] features, got " + shape);
        }
        return z;
    }

    /**
     * Selects the parameters of the intrinsic pair {@code (E_i, C_i)} by their path names.
     *
     * @return the predicate over {@code getParameters()} keys
     */
    public Predicate<String> intrinsicParameters() {
        return childParameters(INTRINSIC_ENCODER, INTRINSIC_CLASSIFIER);
    }

    /**
     * Selects the parameters of the bias pair {@code (E_b, C_b)} by their path names.
     *
     * @return the predicate over {@code getParameters()} keys
     */
    public Predicate<String> biasParameters() {
        return childParameters(BIAS_ENCODER, BIAS_CLASSIFIER);
    }

    private Predicate<String> childParameters(String encoder, String classifier) {
        java.util.Set<String> prefixes = new java.util.HashSet<>();
        for (var child : getChildren()) {
            String key = child.getKey();
            if (key.endsWith(encoder) || key.endsWith(classifier)) {
                prefixes.add(key + "_");
            }
        }
        return name -> prefixes.stream().anyMatch(name::startsWith);
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        NDArray zi = intrinsicFeatures(parameterStore, x, training);
        NDArray zb = biasFeatures(parameterStore, x, training);
        return new NDList(classifyIntrinsic(parameterStore, NDArrays.concat(new NDList(zi, zb), 1), training));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), numClasses)};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        intrinsicEncoder.initialize(manager, dataType, inputShapes);
        biasEncoder.initialize(manager, dataType, inputShapes);
        Shape features = intrinsicEncoder.getOutputShapes(inputShapes)[0];
        if (features.dimension() != 2 || features.get(1) != featureDimension) {
            throw new IllegalArgumentException(
                    "DisEnt's encoder gives features of shape " + features + " for inputs " + inputShapes[0]
                            + "; expected [B, " + featureDimension + "]");
        }
        Shape concatenated = new Shape(features.get(0), 2L * featureDimension);
        intrinsicClassifier.initialize(manager, dataType, concatenated);
        biasClassifier.initialize(manager, dataType, concatenated);
    }
}
