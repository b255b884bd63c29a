package dev.debias.train;

import ai.djl.ndarray.NDArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link TrainingStep} returns: the scalar loss that was minimised and, optionally, named
 * scalar terms of it (DisEnt's {@code dis}, {@code swap}, ...). The loop checks the loss for
 * divergence, averages every term between validations and writes the means into the history.
 */
public final class StepResult {

    /** The name of the minimised loss among the terms. */
    public static final String LOSS = "loss";

    private final Map<String, NDArray> terms;

    private StepResult(Map<String, NDArray> terms) {
        this.terms = terms;
    }

    /**
     * Returns a result holding only the minimised loss.
     *
     * @param loss the scalar loss
     * @return the result
     */
    public static StepResult of(NDArray loss) {
        Map<String, NDArray> terms = new LinkedHashMap<>();
        terms.put(LOSS, Objects.requireNonNull(loss, "loss"));
        return new StepResult(terms);
    }

    /**
     * Returns a result that also holds a named term.
     *
     * @param name the term's name (not {@value #LOSS}, not already present)
     * @param value the scalar value
     * @return a new result
     */
    public StepResult with(String name, NDArray value) {
        if (terms.containsKey(Objects.requireNonNull(name, "name"))) {
            throw new IllegalArgumentException("the step result already holds a term named " + name);
        }
        Map<String, NDArray> copy = new LinkedHashMap<>(terms);
        copy.put(name, Objects.requireNonNull(value, "value"));
        return new StepResult(copy);
    }

    /**
     * Returns the minimised loss.
     *
     * @return the scalar loss
     */
    public NDArray loss() {
        return terms.get(LOSS);
    }

    /**
     * Returns every term, the loss first.
     *
     * @return the terms by name, in insertion order
     */
    public Map<String, NDArray> terms() {
        return Collections.unmodifiableMap(terms);
    }
}
