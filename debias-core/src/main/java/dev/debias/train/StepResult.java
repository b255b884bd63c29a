package dev.debias.train;

import ai.djl.ndarray.NDArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link TrainingStep} returns: the scalar loss that was minimised and, optionally, named
 * scalar terms of it (DisEnt's {@code intrinsic}, {@code swapBias}, ...) and values the method
 * already has on the host (Group DRO's group weights). The loop checks the loss for divergence,
 * averages every term and value between validations and writes the means into the history.
 */
public final class StepResult {

    /** The name of the minimised loss among the terms. */
    public static final String LOSS = "loss";

    private final Map<String, NDArray> terms;
    private final Map<String, Double> values;

    private StepResult(Map<String, NDArray> terms, Map<String, Double> values) {
        this.terms = terms;
        this.values = values;
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
        return new StepResult(terms, new LinkedHashMap<>());
    }

    /**
     * Returns a result that also holds a named term.
     *
     * @param name the term's name (not {@value #LOSS}, not already present)
     * @param value the scalar value
     * @return a new result
     */
    public StepResult with(String name, NDArray value) {
        checkNew(name);
        Map<String, NDArray> copy = new LinkedHashMap<>(terms);
        copy.put(name, Objects.requireNonNull(value, "value"));
        return new StepResult(copy, values);
    }

    /**
     * Returns a result that also holds a named value the method has on the host already (Group
     * DRO's group weights), with no native read.
     *
     * @param name the value's name (not already present)
     * @param value the value
     * @return a new result
     */
    public StepResult withValue(String name, double value) {
        checkNew(name);
        Map<String, Double> copy = new LinkedHashMap<>(values);
        copy.put(name, value);
        return new StepResult(terms, copy);
    }

    /**
     * Returns a result that also holds several host values.
     *
     * @param more the values by name (none already present)
     * @return a new result
     */
    public StepResult withValues(Map<String, Double> more) {
        Map<String, Double> copy = new LinkedHashMap<>(values);
        for (Map.Entry<String, Double> e : more.entrySet()) {
            checkNew(e.getKey());
            copy.put(e.getKey(), e.getValue());
        }
        return new StepResult(terms, copy);
    }

    private void checkNew(String name) {
        if (terms.containsKey(Objects.requireNonNull(name, "name")) || values.containsKey(name)) {
            throw new IllegalArgumentException("the step result already holds a term named " + name);
        }
    }

    /**
     * Returns the host values.
     *
     * @return the values by name, in insertion order
     */
    public Map<String, Double> values() {
        return Collections.unmodifiableMap(values);
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
