package dev.debias.examples;

import dev.debias.train.StopRequest;

import sun.misc.Signal;

import java.io.PrintStream;

/**
 * Turns the first SIGINT (Ctrl-C) or SIGTERM into the command line's {@link StopRequest}: the
 * running training phase stops at its next step boundary, writes its {@code last} checkpoint and
 * the command exits with {@code 128 + signal} (130 or 143), so a run (or a {@code reproduce} sweep)
 * resumes there. A second signal ends the process at once, as the JVM's default handler does.
 *
 * <p>Without this, the JVM ends on a signal while the training thread is inside libtorch, and the
 * process can crash in native code as libtorch's static state is torn down beneath the step.
 */
final class StopOnSignal {

    private static final StopRequest REQUEST = new StopRequest();
    private static boolean installed;
    private static volatile int exitCode;

    private StopOnSignal() {}

    /**
     * Installs the handlers (once per process; later calls do nothing more).
     *
     * @param err where to say that the run is stopping
     */
    static synchronized void install(PrintStream err) {
        if (installed) {
            return;
        }
        installed = true;
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), signal -> handle(signal, err));
        }
    }

    private static void handle(Signal signal, PrintStream err) {
        int code = 128 + signal.getNumber();
        if (REQUEST.request("SIG" + signal.getName())) {
            exitCode = code;
            err.println();
            err.println("debias: SIG" + signal.getName() + ": stopping after the current step (a checkpoint is written);"
                    + " send it again to end at once");
            err.flush();
        } else {
            Runtime.getRuntime().halt(code);
        }
    }

    /**
     * Returns the request every training run of the command line holds.
     *
     * @return the request
     */
    static StopRequest request() {
        return REQUEST;
    }

    /**
     * Returns the exit code of a command that stopped on a signal.
     *
     * @return {@code 128 +} the signal's number, or {@link DebiasCli#FAILURE} if no signal came
     */
    static int exitCode() {
        return exitCode > 0 ? exitCode : DebiasCli.FAILURE;
    }
}
