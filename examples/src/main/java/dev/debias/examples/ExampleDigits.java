package dev.debias.examples;

import dev.debias.data.DatasetPaths;
import dev.debias.data.Mnist;
import dev.debias.data.MnistSplits;
import dev.debias.data.SyntheticDigits;

import java.io.IOException;

/** The digits the example programs colour: real MNIST when present, else synthetic ones. */
final class ExampleDigits {

    private ExampleDigits() {}

    static MnistSplits load() throws IOException {
        if (DatasetPaths.hasMnist()) {
            System.out.println("using MNIST from " + DatasetPaths.mnistDir());
            return Mnist.load();
        }
        System.out.println(
                "MNIST not found under " + DatasetPaths.root() + ": using SYNTHETIC digits (run scripts/fetch-datasets.sh)");
        return SyntheticDigits.generate(60_000, 10_000, 0);
    }
}
