package dev.debias.model;

import ai.djl.ndarray.types.Shape;

import java.util.List;
import java.util.Locale;

/**
 * Creates the backbones of the reproductions by name.
 *
 * <table>
 *   <caption>Backbone names</caption>
 *   <tr><th>name</th><th>network</th></tr>
 *   <tr><td>{@code mlp}</td><td>{@link ColoredMnistMlp#lff()}: hidden 100-100-100, input scale
 *       1/255 (the LfF quirk), input size = size of {@code inputShape}</td></tr>
 *   <tr><td>{@code mlp-disent}</td><td>{@link ColoredMnistMlp#disent()}: hidden 100-100-16, input
 *       scale 1/255</td></tr>
 *   <tr><td>{@code cnn}</td><td>{@link SmallCnn#builder()} defaults</td></tr>
 *   <tr><td>{@code cnn-dcwp}</td><td>{@link SmallCnn#dcwp()}</td></tr>
 *   <tr><td>{@code cnn-camel}</td><td>{@link CamelMnistCnn}</td></tr>
 *   <tr><td>{@code resnet50}</td><td>{@link ResNet50#create(int)} (random initialisation)</td></tr>
 *   <tr><td>{@code resnet18}</td><td>{@link ResNet18#imagenet(int)} (torchvision stem, as DisEnt
 *       and DCWP use it)</td></tr>
 *   <tr><td>{@code resnet18-small}</td><td>{@link ResNet18#small(int)}</td></tr>
 * </table>
 */
public final class Backbones {

    /** The names {@link #create} accepts. */
    public static final List<String> NAMES =
            List.of("mlp", "mlp-disent", "cnn", "cnn-dcwp", "cnn-camel", "resnet18", "resnet18-small", "resnet50");

    private Backbones() {}

    /**
     * Creates a backbone.
     *
     * @param name one of {@link #NAMES} (case-insensitive)
     * @param numClasses the number of classes
     * @param inputShape the shape of one sample, without the batch axis, e.g. {@code (3, 28, 28)}
     * @return the backbone, not yet initialised
     * @throws IllegalArgumentException for an unknown name or an input shape the backbone cannot
     *     take
     */
    public static Backbone create(String name, int numClasses, Shape inputShape) {
        if (name == null) {
            throw new IllegalArgumentException("backbone name is null; known: " + NAMES);
        }
        if (inputShape == null || inputShape.dimension() == 0 || inputShape.size() < 1) {
            throw new IllegalArgumentException(
                    "input shape of one sample must be non-empty, got " + inputShape);
        }
        switch (name.toLowerCase(Locale.ROOT)) {
            case "mlp":
                return ColoredMnistMlp.lff()
                        .setNumClasses(numClasses)
                        .optInputSize(Math.toIntExact(inputShape.size()))
                        .build();
            case "mlp-disent":
                return ColoredMnistMlp.disent()
                        .setNumClasses(numClasses)
                        .optInputSize(Math.toIntExact(inputShape.size()))
                        .build();
            case "cnn":
                requireImage(name, inputShape, 4);
                return SmallCnn.builder().setNumClasses(numClasses).build();
            case "cnn-dcwp":
                requireImage(name, inputShape, 8);
                return SmallCnn.dcwp().setNumClasses(numClasses).build();
            case "cnn-camel":
                requireImage(name, inputShape, 10);
                return new CamelMnistCnn(numClasses);
            case "resnet18":
                requireImage(name, inputShape, 1);
                return ResNet18.imagenet(numClasses);
            case "resnet18-small":
                requireImage(name, inputShape, 1);
                return ResNet18.small(numClasses);
            case "resnet50":
                requireImage(name, inputShape, 1);
                return ResNet50.create(numClasses);
            default:
                throw new IllegalArgumentException(
                        "unknown backbone '" + name + "'; known: " + NAMES);
        }
    }

    private static void requireImage(String name, Shape shape, long minSide) {
        if (shape.dimension() != 3) {
            throw new IllegalArgumentException(
                    "backbone '" + name + "' needs images (C, H, W), got input shape " + shape);
        }
        if (shape.get(1) < minSide || shape.get(2) < minSide) {
            throw new IllegalArgumentException(
                    "backbone '"
                            + name
                            + "' needs images of at least "
                            + minSide
                            + " x "
                            + minSide
                            + ", got input shape "
                            + shape);
        }
    }
}
