package dev.debias.gan.cyclegan;

import ai.djl.training.dataset.RandomAccessDataset;

import dev.debias.sampler.EpochSampler;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * The unpaired loader of CAMEL's CycleGAN (ALGORITHMS.md §5.5): each epoch shuffles the source
 * domain's and the target domain's samples separately, zips them pairwise (the shorter domain sets
 * the epoch's length) and cuts the pairs into batches, the last partial one kept unless it holds a
 * single pair (PyTorch's BatchNorm cannot normalise the generator's 1&times;1 bottleneck over one
 * image; TensorFlow's returns the offset there). A batch lists
 * its source samples first, then as many target samples. Epoch {@code e} is a pure function of
 * {@code (seed, e)} ({@link EpochSampler}).
 */
final class DomainPairSampler extends EpochSampler {

    private final int[] source;
    private final int[] target;

    DomainPairSampler(int batchSize, long seed, long startEpoch, int[] source, int[] target) {
        super(batchSize, seed, startEpoch);
        if (source.length == 0 || target.length == 0) {
            throw new IllegalArgumentException(
                    "a CycleGAN needs images on both sides, got " + source.length + " source and " + target.length + " target images");
        }
        this.source = source.clone();
        this.target = target.clone();
    }

    @Override
    public Iterator<List<Long>> sample(RandomAccessDataset dataset, long epoch) {
        SplittableRandom random = random(epoch);
        int[] xs = source.clone();
        int[] ys = target.clone();
        shuffle(xs, random);
        shuffle(ys, random);
        int batch = getBatchSize();
        int all = Math.min(xs.length, ys.length);
        int pairs = all % batch == 1 && all > 1 ? all - 1 : all;
        return new Iterator<>() {
            private int at;

            @Override
            public boolean hasNext() {
                return at < pairs;
            }

            @Override
            public List<Long> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int end = Math.min(pairs, at + batch);
                List<Long> out = new ArrayList<>(2 * (end - at));
                for (int k = at; k < end; k++) {
                    out.add((long) xs[k]);
                }
                for (int k = at; k < end; k++) {
                    out.add((long) ys[k]);
                }
                at = end;
                return out;
            }
        };
    }

    @Override
    public EpochSampler withStartEpoch(long epoch) {
        return new DomainPairSampler(getBatchSize(), getSeed(), epoch, source, target);
    }
}
