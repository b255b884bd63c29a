package dev.debias.gan;

import ai.djl.ndarray.types.Shape;

import dev.debias.data.GroupedArrayDataset;
import dev.debias.model.ColoredMnistMlp;
import dev.debias.train.BiasedToyData;
import dev.debias.train.TrainingConfig;

/** Core's {@link BiasedToyData} with batch 64, and a small DisEnt model for it. */
final class ToyData {

    static final int DIM = BiasedToyData.DIM;
    static final Shape INPUT = BiasedToyData.INPUT;

    private ToyData() {}

    static GroupedArrayDataset train(int n, double conflicting, long seed) {
        return BiasedToyData.train(n, conflicting, seed, 64);
    }

    static GroupedArrayDataset balanced(int n, long seed) {
        return BiasedToyData.balanced(n, seed);
    }

    /** A DisEnt model with small MLP encoders (10 -> 32 -> 8). */
    static DisEntModel model() {
        return DisEntModel.of(
                () -> ColoredMnistMlp.builder().setHiddenSizes(32, 8).setNumClasses(2).optInputSize(DIM).build());
    }

    static TrainingConfig.Builder training(long steps) {
        return BiasedToyData.training(steps);
    }
}
