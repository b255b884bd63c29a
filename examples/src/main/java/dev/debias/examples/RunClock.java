package dev.debias.examples;

import com.google.gson.JsonObject;
import dev.debias.train.StepTiming;

/**
 * The end-to-end time of one {@code train} run, in this process, split into what it spends it on:
 * building the data, setting up the method (models, and for CAMEL stage 1 and the translations),
 * training (every phase with its validations and checkpoints), the test evaluations and writing
 * the results. Written into {@code metrics.json} beside the phases' own step timing.
 */
final class RunClock {

    private final long started = System.nanoTime();
    private long mark = started;
    private final JsonObject split = new JsonObject();

    /**
     * Ends the current part of the run and records its time under a name.
     *
     * @param part the part's name ({@code data}, {@code setup}, {@code training}, {@code test})
     */
    void lap(String part) {
        long now = System.nanoTime();
        split.addProperty(part + "Seconds", (now - mark) / 1e9);
        mark = now;
    }

    /**
     * Ends the run (its last part, writing the results, is timed as {@code output}) and returns its
     * timing: this process's parts and total, and the phases' timing added up
     * over every process that ran them.
     *
     * @param phases the phases' timing
     * @param resumed whether the run was resumed from checkpoints (then the phases' times include
     *     earlier processes and this process's training time covers only the rest)
     * @return the {@code timing} object of {@code metrics.json}
     */
    JsonObject finish(StepTiming phases, boolean resumed) {
        lap("output");
        JsonObject json = split.deepCopy();
        json.addProperty("totalSeconds", (System.nanoTime() - started) / 1e9);
        json.addProperty("resumed", resumed);
        JsonObject loop = new JsonObject();
        loop.addProperty("loopSeconds", phases.loopNanos() / 1e9);
        loop.addProperty("measuredStepSeconds", phases.measuredNanos() / 1e9);
        loop.addProperty("measuredSteps", phases.measuredSteps());
        loop.addProperty("warmupSteps", phases.warmupSteps());
        loop.addProperty("msPerMeasuredStep", phases.millisPerStep());
        loop.addProperty("validationSeconds", phases.validationNanos() / 1e9);
        loop.addProperty("checkpointSeconds", phases.checkpointNanos() / 1e9);
        json.add("phases", loop);
        return json;
    }
}
