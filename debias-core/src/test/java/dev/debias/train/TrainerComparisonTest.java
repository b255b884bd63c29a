package dev.debias.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.debias.data.GroupedArrayDataset;
import dev.debias.metrics.GroupMetrics;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each method against ERM on strongly biased toy data (2 % bias-conflicting training samples):
 * the methods must win on the metric they target.
 */
class TrainerComparisonTest {

    private static final long STEPS = 400;

    private static GroupedArrayDataset train;
    private static GroupedArrayDataset validation;
    private static GroupedArrayDataset test;
    private static GroupMetrics erm;

    @BeforeAll
    static void trainErm() {
        train = BiasedToyData.train(4000, 0.02, 1, 64);
        validation = BiasedToyData.balanced(1000, 2);
        test = BiasedToyData.balanced(2000, 3);
        try (ErmTrainer trainer =
                new ErmTrainer(
                        ErmConfig.builder().setTraining(BiasedToyData.training(STEPS).build()).build(),
                        BiasedToyData.mlp(),
                        BiasedToyData.INPUT)) {
            trainer.fit(train, validation);
            erm = trainer.evaluate(test);
            report("erm", erm);
        }
    }

    private static void report(String method, GroupMetrics m) {
        System.out.printf(
                "toy data, %s: worst-group %.3f, conflicting %.3f, aligned %.3f%n",
                method, m.worstGroupAccuracy(), m.conflictingAccuracy(), m.alignedAccuracy());
    }

    @AfterAll
    static void close() {
        train.close();
        validation.close();
        test.close();
    }

    @Test
    void groupDroBeatsErmOnWorstGroupByTenPoints() {
        try (GroupDroTrainer trainer =
                new GroupDroTrainer(
                        GroupDroConfig.builder().setTraining(BiasedToyData.training(STEPS).build()).build(),
                        BiasedToyData.mlp(),
                        BiasedToyData.INPUT)) {
            trainer.fit(train, validation);
            GroupMetrics gdro = trainer.evaluate(test);
            report("gdro", gdro);
            assertTrue(
                    gdro.worstGroupAccuracy() >= erm.worstGroupAccuracy() + 0.10,
                    "worst-group accuracy: Group DRO " + gdro.worstGroupAccuracy() + " vs ERM " + erm.worstGroupAccuracy());
        }
    }

    @Test
    void lffBeatsErmOnConflictingSamples() {
        try (LfFTrainer trainer =
                new LfFTrainer(
                        LfFConfig.builder().setTraining(BiasedToyData.training(STEPS).build()).build(),
                        BiasedToyData.mlp(),
                        BiasedToyData.INPUT)) {
            trainer.fit(train, validation);
            GroupMetrics lff = trainer.evaluate(test);
            report("lff", lff);
            assertTrue(
                    lff.conflictingAccuracy() > erm.conflictingAccuracy() + 0.05,
                    "conflicting accuracy: LfF " + lff.conflictingAccuracy() + " vs ERM " + erm.conflictingAccuracy());
        }
    }

    @Test
    void jttBeatsErmOnConflictingSamples() {
        JttConfig config =
                JttConfig.builder()
                        .setIdentification(BiasedToyData.training(1).setEpochs(1).build())
                        .setTraining(BiasedToyData.training(STEPS).build())
                        .optUpweight(50)
                        .build();
        try (JttTrainer trainer = new JttTrainer(config, BiasedToyData.mlp(), BiasedToyData.INPUT)) {
            trainer.fit(train, validation);
            GroupMetrics jtt = trainer.evaluate(test);
            report("jtt", jtt);
            assertTrue(trainer.errorSet().length > 0, "JTT found no errors");
            assertTrue(
                    jtt.conflictingAccuracy() > erm.conflictingAccuracy() + 0.05,
                    "conflicting accuracy: JTT " + jtt.conflictingAccuracy() + " vs ERM " + erm.conflictingAccuracy());
        }
    }
}
