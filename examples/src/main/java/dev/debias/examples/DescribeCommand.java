package dev.debias.examples;

import dev.debias.device.DebiasEnvironment;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code debias describe}: prints Java, DJL, the engine, PyTorch's version and flavour, and the devices. */
@Command(
        name = "describe",
        mixinStandardHelpOptions = true,
        description = "Prints Java, DJL, engine, PyTorch version and flavour, and devices (paste into bug reports).")
public final class DescribeCommand implements Callable<Integer> {

    /** {@inheritDoc} */
    @Override
    public Integer call() {
        System.out.print(DebiasEnvironment.describeAsText());
        return 0;
    }
}
