package dev.debias.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debias.data.GroupedArrayDataset;

import org.junit.jupiter.api.Test;

class JttTrainerTest {

    /** A JTT trainer with 3 identification epochs (T = 2) and a final run of the given length. */
    private static JttTrainer trainer(JttConfig.Builder config, int finalSteps) {
        return new JttTrainer(
                config.setIdentification(BiasedToyData.training(1).setEpochs(3).build())
                        .setTraining(BiasedToyData.training(finalSteps).build())
                        .build(),
                BiasedToyData.mlp(),
                BiasedToyData.INPUT);
    }

    /** The error set of an ERM model on biased data is rich in bias-conflicting samples. */
    @Test
    void errorSetIsEnrichedInConflictingSamples() {
        for (JttConfig.ErrorSet rule : JttConfig.ErrorSet.values()) {
            try (GroupedArrayDataset train = BiasedToyData.train(2000, 0.05, 31, 64);
                    GroupedArrayDataset validation = BiasedToyData.balanced(200, 32);
                    JttTrainer trainer = trainer(JttConfig.builder().optErrorSet(rule), 5)) {
                trainer.fit(train, validation);
                long[] errors = trainer.errorSet();
                int[] y = train.labels();
                int[] a = train.attributes();
                long conflicting = 0;
                for (long i : errors) {
                    if (y[(int) i] != a[(int) i]) {
                        conflicting++;
                    }
                }
                assertTrue(errors.length > 0, rule + ": empty error set");
                // 5 % of the training set is conflicting; the error set must be far richer.
                assertTrue(
                        conflicting > 0.5 * errors.length,
                        rule + ": " + conflicting + " conflicting of " + errors.length + " errors");
            }
        }
    }

    @Test
    void cleanErrorSetNeedsAtLeastOneCompletedEpoch() {
        try (GroupedArrayDataset train = BiasedToyData.train(200, 0.05, 31, 64);
                GroupedArrayDataset validation = BiasedToyData.balanced(40, 32);
                JttTrainer trainer =
                        new JttTrainer(
                                JttConfig.builder()
                                        .setIdentification(BiasedToyData.training(1).setEpochs(1).build())
                                        .optErrorSet(JttConfig.ErrorSet.AFTER_TRAINING)
                                        .build(),
                                BiasedToyData.mlp(),
                                BiasedToyData.INPUT)) {
            assertThrows(IllegalArgumentException.class, () -> trainer.fit(train, validation));
        }
    }

    @Test
    void balancingUpweightMakesTheCopiesWeighAboutAsMuchAsTheRest() {
        try (GroupedArrayDataset train = BiasedToyData.train(2000, 0.05, 31, 64);
                GroupedArrayDataset validation = BiasedToyData.balanced(200, 32);
                JttTrainer trainer = trainer(JttConfig.builder().optUpweight(7).optBalancingUpweight(), 2)) {
            trainer.fit(train, validation);
            long errors = trainer.errorSet().length;
            assertTrue(errors > 0 && errors < 1000, errors + " errors");
            assertEquals((2000 - errors) / errors - 1, trainer.upweight());
            // (1 + lambda_up) |E| lies within one |E| of N - |E|
            long copies = (1 + trainer.upweight()) * errors;
            assertTrue(Math.abs(copies - (2000 - errors)) <= errors, copies + " vs " + (2000 - errors));
        }
    }

    @Test
    void aFixedUpweightReplacesTheBalancingOne() {
        JttConfig config = JttConfig.builder().optBalancingUpweight().optUpweight(7).build();
        assertFalse(config.isBalancingUpweight());
        assertEquals(7, config.upweight());
        assertEquals(7, config.upweightFor(2000, 100));
    }

    @Test
    void balancingUpweightIsZeroForAnEmptyErrorSetAndSurvivesToBuilder() {
        JttConfig balancing = JttConfig.builder().optBalancingUpweight().build();
        assertEquals(0, balancing.upweightFor(2000, 0));
        assertEquals(18, balancing.upweightFor(2000, 100)); // floor(1900 / 100) - 1
        JttConfig copy = balancing.toBuilder().build();
        assertTrue(copy.isBalancingUpweight());
        assertEquals(balancing.errorSet(), copy.errorSet());
        assertEquals(balancing.identification(), copy.identification());
        assertFalse(balancing.toBuilder().optUpweight(3).build().isBalancingUpweight());
    }
}
