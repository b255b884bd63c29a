package dev.debias.train;

import dev.debias.data.GroupedArrayDataset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the run-mechanics tests (resume, stop, kill, timing, platform) that train on the same
 * {@link BiasedToyData}: 1,000 training samples with 5 % conflicting ones and a balanced
 * validation set of 400, built once per test class.
 */
abstract class ToyRunTest {

    static GroupedArrayDataset train;
    static GroupedArrayDataset validation;

    @BeforeAll
    static void openToyData() {
        train = BiasedToyData.train(1000, 0.05, 11, 64);
        validation = BiasedToyData.balanced(400, 12);
    }

    @AfterAll
    static void closeToyData() {
        train.close();
        validation.close();
    }
}
