package dev.debias.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.debias.data.GroupedArrayDataset;

import org.junit.jupiter.api.Test;

/** A DisEnt step leaves nothing on the long-lived managers: as many arrays after 20 steps as after 200. */
class DisEntMemoryTest {

    private static int arraysAfter(long steps) {
        try (GroupedArrayDataset train = ToyData.train(1000, 0.05, 21);
                GroupedArrayDataset validation = ToyData.balanced(200, 22);
                DisEntTrainer trainer =
                        new DisEntTrainer(
                                DisEntConfig.builder().setTraining(ToyData.training(steps).optEvaluateEvery(10).build())
                                        .optSwapStart(5).build(),
                                ToyData::model,
                                ToyData.INPUT)) {
            trainer.fit(train, validation);
            return trainer.reportedModel().model().getNDManager().getManagedArrays().size();
        }
    }

    @Test
    void arraysHeldByTheModelStayFlat() {
        assertEquals(arraysAfter(20), arraysAfter(200));
    }
}
