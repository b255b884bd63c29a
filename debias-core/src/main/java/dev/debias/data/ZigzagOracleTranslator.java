package dev.debias.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.debias.augment.SubgroupTranslator;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The exact translations of MNIST-Correlation, the ideal that CAMEL's stage 1 learns to approximate
 * (Goel et al., "Model Patching", ICLR 2021): a clean digit rendered zigzagged carries the very
 * MNIST-C zigzag {@link MnistCorrelation} draws over that digit, and a zigzagged digit rendered clean
 * is the digit under it. Built by {@link MnistCorrelation#oracleTranslator(MnistSplits)}.
 *
 * <p>A diagnostic: stage 2 with these translations measures what CAMEL gains when stage 1 is
 * perfect, so that a shortfall can be put on stage 1 or on stage 2. It recognises an image by its
 * pixels, among every image of MNIST's training split, clean and zigzagged (the images
 * MNIST-Correlation's training and validation splits are made of), and refuses any other.
 */
final class ZigzagOracleTranslator implements SubgroupTranslator {

    private static final int PIXELS = ZigzagCorruption.SIZE * ZigzagCorruption.SIZE;
    private static final float SCALE = 1f / 255f;

    private final byte[][] images = new byte[2][];
    private final Map<ByteBuffer, Integer>[] index;

    /**
     * Indexes MNIST's training images clean and zigzagged.
     *
     * @param training MNIST's training images, 28&times;28
     * @param corruptionSeed the seed MNIST-Correlation zigzags the training split with
     */
    @SuppressWarnings("unchecked")
    ZigzagOracleTranslator(IdxImages training, long corruptionSeed) {
        int n = training.count();
        images[MnistCorrelation.CLEAN] = training.pixels();
        images[MnistCorrelation.ZIGZAG] =
                ZigzagCorruption.corrupt(training, IntStream.range(0, n).toArray(), corruptionSeed).pixels();
        index = new Map[2];
        for (int a = 0; a < 2; a++) {
            index[a] = new HashMap<>(2 * n);
            for (int i = n - 1; i >= 0; i--) {
                // from the end, so that of two identical images the first one wins
                index[a].put(ByteBuffer.wrap(images[a], i * PIXELS, PIXELS).slice(), i);
            }
        }
    }

    /** Supports both directions between clean and zigzag, for either parity. */
    @Override
    public boolean supports(int label, int from, int to) {
        return (label == MnistCorrelation.EVEN || label == MnistCorrelation.ODD) && isAttribute(from) && isAttribute(to)
                && from != to;
    }

    @Override
    public NDArray translate(NDArray batch, int label, int from, int to) {
        if (!supports(label, from, to)) {
            throw new IllegalArgumentException("the zigzag oracle translates classes 0 and 1 between attributes 0 (clean)"
                    + " and 1 (zigzag), not class " + label + " from " + from + " to " + to);
        }
        Shape shape = batch.getShape();
        if (shape.dimension() != 4 || shape.get(1) != 1 || shape.get(2) != ZigzagCorruption.SIZE
                || shape.get(3) != ZigzagCorruption.SIZE) {
            throw new IllegalArgumentException("the zigzag oracle translates [B, 1, 28, 28] images, got " + shape);
        }
        float[] values = batch.toFloatArray();
        int count = Math.toIntExact(shape.get(0));
        float[] out = new float[values.length];
        byte[] key = new byte[PIXELS];
        for (int b = 0; b < count; b++) {
            for (int p = 0; p < PIXELS; p++) {
                key[p] = (byte) Math.max(0, Math.min(255, Math.round(values[b * PIXELS + p] * 255f)));
            }
            int source = find(key, from, b);
            byte[] target = images[to];
            for (int p = 0; p < PIXELS; p++) {
                out[b * PIXELS + p] = (target[source * PIXELS + p] & 0xff) * SCALE;
            }
        }
        return batch.getManager().create(out, shape);
    }

    /** The MNIST index of an image, looked up first among the images of {@code from}. */
    private int find(byte[] key, int from, int position) {
        ByteBuffer wrapped = ByteBuffer.wrap(key);
        Integer i = index[from].get(wrapped);
        if (i == null) {
            i = index[1 - from].get(wrapped);
        }
        if (i == null) {
            throw new IllegalArgumentException("image " + position + " of the batch is none of MNIST's training images,"
                    + " clean or zigzagged as MNIST-Correlation draws them: the zigzag oracle only translates those");
        }
        return i;
    }

    private static boolean isAttribute(int a) {
        return a == MnistCorrelation.CLEAN || a == MnistCorrelation.ZIGZAG;
    }
}
