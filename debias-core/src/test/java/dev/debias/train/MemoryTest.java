package dev.debias.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;

import dev.debias.data.GroupedArrayDataset;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

/**
 * Nothing may accumulate on long-lived native managers: after a short and a ten times longer run,
 * each model's manager (which holds its DJL trainer's manager) holds the same number of arrays.
 */
class MemoryTest {

    private static GroupedArrayDataset train;
    private static GroupedArrayDataset validation;

    @BeforeAll
    static void data() {
        train = BiasedToyData.train(1000, 0.05, 21, 64);
        validation = BiasedToyData.balanced(200, 22);
    }

    @AfterAll
    static void close() {
        train.close();
        validation.close();
    }

    private static int arraysAfter(long steps, Function<TrainingConfig, DebiasTrainer> factory) {
        return arraysAfter(steps, factory, DebiasTrainer::reportedModel);
    }

    /** The arrays on the manager of the model {@code model} picks from a trainer fitted for {@code steps}. */
    private static <T extends DebiasTrainer> int arraysAfter(
            long steps, Function<TrainingConfig, T> factory, Function<T, TrainedModel> model) {
        try (T trainer = factory.apply(BiasedToyData.training(steps).optEvaluateEvery(10).build())) {
            trainer.fit(train, validation);
            NDManager manager = model.apply(trainer).model().getNDManager();
            return manager.getManagedArrays().size();
        }
    }

    @Test
    void ermHoldsAFixedNumberOfArrays() {
        Function<TrainingConfig, DebiasTrainer> erm =
                c -> new ErmTrainer(ErmConfig.builder().setTraining(c).build(), BiasedToyData.mlp(), BiasedToyData.INPUT);
        assertEquals(arraysAfter(20, erm), arraysAfter(200, erm));
    }

    @Test
    void groupDroHoldsAFixedNumberOfArrays() {
        Function<TrainingConfig, DebiasTrainer> gdro =
                c -> new GroupDroTrainer(GroupDroConfig.builder().setTraining(c).build(), BiasedToyData.mlp(), BiasedToyData.INPUT);
        assertEquals(arraysAfter(20, gdro), arraysAfter(200, gdro));
    }

    @Test
    void lffHoldsAFixedNumberOfArrays() {
        Function<TrainingConfig, DebiasTrainer> lff =
                c -> new LfFTrainer(LfFConfig.builder().setTraining(c).build(), BiasedToyData.mlp(), BiasedToyData.INPUT);
        assertEquals(arraysAfter(20, lff), arraysAfter(200, lff));
    }

    @Test
    void lffsBiasedModelHoldsAFixedNumberOfArrays() {
        Function<TrainingConfig, LfFTrainer> lff =
                c -> new LfFTrainer(LfFConfig.builder().setTraining(c).build(), BiasedToyData.mlp(), BiasedToyData.INPUT);
        assertEquals(arraysAfter(20, lff, LfFTrainer::biasedModel), arraysAfter(200, lff, LfFTrainer::biasedModel));
    }

    @Test
    void jttsFinalModelHoldsAFixedNumberOfArraysWithBothPhasesLonger() {
        // Both phases ten times longer (identification 2 epochs of 15 steps against 13); the final model is checked.
        Function<TrainingConfig, DebiasTrainer> jtt = c -> new JttTrainer(
                JttConfig.builder()
                        .setIdentification(c.toBuilder().setEpochs((int) Math.max(2, c.iterations() / 15)).build())
                        .setTraining(c)
                        .build(),
                BiasedToyData.mlp(),
                BiasedToyData.INPUT);
        assertEquals(arraysAfter(20, jtt), arraysAfter(200, jtt));
    }
}
