package dev.debias.examples;

import dev.debias.device.DebiasEnvironment;

import java.util.Set;

/** {@code debias describe}: prints the engine, PyTorch version, flavour and devices. */
public final class DescribeCommand implements Command {

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "describe";
    }

    /** {@inheritDoc} */
    @Override
    public String usage() {
        return "describe                      print Java, DJL, engine, PyTorch flavour and devices";
    }

    /** {@inheritDoc} */
    @Override
    public void run(String[] args) {
        new CliArguments(name(), args, Set.of()).rejectUnknown();
        System.out.print(DebiasEnvironment.describeAsText());
    }
}
