package dev.debias.train;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A request, from any thread, that a training run stop at the next step boundary: the run writes
 * its {@code last} checkpoint at the step it has reached (when it has a checkpoint directory) and
 * throws a {@link TrainingStoppedException}, so that it can be resumed there. Give the same request
 * to a run with {@link TrainingConfig.Builder#optStopRequest(StopRequest)} and call {@link
 * #request(String)} from another thread, a signal handler or a user interface.
 *
 * <p>Stopping at a step boundary, rather than ending the process while a step runs in libtorch,
 * also keeps the process from ending inside native code: a JVM that exits while its training
 * thread is in libtorch can crash as libtorch's static state is destroyed under it.
 *
 * <p>A request cannot be withdrawn; a run started with a request already made stops before its
 * first step.
 */
public final class StopRequest {

    private final AtomicReference<String> reason = new AtomicReference<>();

    /** Creates a request that has not been made. */
    public StopRequest() {}

    /**
     * Asks every run holding this request to stop at its next step boundary. Later calls keep the
     * first reason.
     *
     * @param why why the run stops, for its message (e.g. {@code SIGTERM})
     * @return true if this call made the request, false if it had been made already
     */
    public boolean request(String why) {
        return reason.compareAndSet(null, why == null || why.isBlank() ? "stop requested" : why);
    }

    /**
     * Returns whether the request has been made.
     *
     * @return true once {@link #request(String)} was called
     */
    public boolean isRequested() {
        return reason.get() != null;
    }

    /**
     * Returns why the run is asked to stop.
     *
     * @return the first reason given, or empty before the request
     */
    public Optional<String> reason() {
        return Optional.ofNullable(reason.get());
    }
}
