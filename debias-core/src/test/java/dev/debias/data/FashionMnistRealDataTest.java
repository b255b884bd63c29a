package dev.debias.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Reads the gzipped Fashion-MNIST files of the data root; skipped when they are absent. */
class FashionMnistRealDataTest {

    @Test
    void gzippedFilesLoadWithBalancedClasses() throws IOException {
        Assumptions.assumeTrue(
                DatasetPaths.hasFashionMnist(),
                "Fashion-MNIST not found under "
                        + DatasetPaths.root()
                        + "; run scripts/fetch-datasets.sh to enable this test");
        MnistSplits fashion = Mnist.loadFashion();
        assertEquals(60_000, fashion.trainImages().count());
        assertEquals(10_000, fashion.testImages().count());
        assertEquals(28 * 28, fashion.trainImages().pixelsPerImage());
        // Fashion-MNIST has exactly 6000 training and 1000 test images per class.
        int[] train = new int[10];
        for (int y : fashion.trainLabels()) {
            train[y]++;
        }
        int[] test = new int[10];
        for (int y : fashion.testLabels()) {
            test[y]++;
        }
        for (int c = 0; c < 10; c++) {
            assertEquals(6000, train[c], "training class " + c);
            assertEquals(1000, test[c], "test class " + c);
        }
    }
}
