package dev.debias.examples.profile;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calls and times per native operation in a trace written by libtorch's profiler (the Chrome
 * trace format DJL's {@code JniUtils.stopProfile} writes: an array of complete events, {@code
 * "ph": "X"}, with a name, thread, start and duration in microseconds).
 *
 * <p>An operation's self time is its duration minus the durations of the operations nested in it
 * on the same thread (an {@code aten::matmul} that calls {@code aten::mm} keeps only its own
 * dispatch time); the sum of the self times is the time spent in native operations. An
 * operation is top level when no other operation on its thread encloses it: on the training
 * thread these are the operations Java called and those DJL's native helpers call one after
 * another inside one JNI call (its fused Adam update is some ten operations per parameter), on
 * libtorch's autograd threads the backward functions.
 */
public final class NativeOpProfile {

    /**
     * The totals of one operation.
     *
     * @param calls how many times it ran
     * @param topLevelCalls how many of those were not nested in another operation
     * @param selfMicros its time without the operations nested in it
     * @param totalMicros its time with them
     */
    public record OpTotals(double calls, double topLevelCalls, double selfMicros, double totalMicros) {

        OpTotals plus(OpTotals o) {
            return new OpTotals(calls + o.calls, topLevelCalls + o.topLevelCalls, selfMicros + o.selfMicros, totalMicros + o.totalMicros);
        }

        OpTotals scaled(double factor) {
            return new OpTotals(calls * factor, topLevelCalls * factor, selfMicros * factor, totalMicros * factor);
        }
    }

    private final Map<String, OpTotals> ops;

    private NativeOpProfile(Map<String, OpTotals> ops) {
        this.ops = Collections.unmodifiableMap(ops);
    }

    /**
     * Reads a trace file.
     *
     * @param trace the file libtorch's profiler wrote
     * @return its totals per operation
     * @throws IOException if the file cannot be read or is not such a trace
     */
    public static NativeOpProfile read(Path trace) throws IOException {
        try (Reader reader = Files.newBufferedReader(trace, StandardCharsets.UTF_8)) {
            return read(reader, trace.toString());
        } catch (IllegalStateException | NumberFormatException e) {
            throw new IOException(trace + " is not a libtorch profiler trace: " + e.getMessage(), e);
        }
    }

    static NativeOpProfile read(Reader source, String name) throws IOException {
        Map<String, List<Event>> byThread = new HashMap<>();
        try (JsonReader json = new JsonReader(source)) {
            json.setLenient(true);
            json.beginArray();
            while (json.hasNext()) {
                Event event = readEvent(json);
                if (event != null) {
                    byThread.computeIfAbsent(event.thread, k -> new ArrayList<>()).add(event);
                }
            }
            json.endArray();
        } catch (IllegalStateException e) {
            throw new IOException(name + " is not a libtorch profiler trace: " + e.getMessage(), e);
        }
        Map<String, OpTotals> ops = new HashMap<>();
        for (List<Event> events : byThread.values()) {
            nest(events);
            for (Event e : events) {
                ops.merge(e.name, new OpTotals(1, e.topLevel ? 1 : 0, e.self, e.duration), OpTotals::plus);
            }
        }
        return new NativeOpProfile(ops);
    }

    /** One complete event, with the self time and nesting computed by {@link #nest}. */
    private static final class Event {
        final String name;
        final String thread;
        final double start;
        final double duration;
        double self;
        boolean topLevel = true;

        Event(String name, String thread, double start, double duration) {
            this.name = name;
            this.thread = thread;
            this.start = start;
            this.duration = duration;
            this.self = duration;
        }

        double end() {
            return start + duration;
        }
    }

    private static Event readEvent(JsonReader json) throws IOException {
        if (json.peek() != JsonToken.BEGIN_OBJECT) {
            json.skipValue();
            return null;
        }
        String name = null;
        String phase = null;
        String thread = "";
        double start = Double.NaN;
        double duration = Double.NaN;
        json.beginObject();
        while (json.hasNext()) {
            switch (json.nextName()) {
                case "name" -> name = json.nextString();
                case "ph" -> phase = json.nextString();
                case "tid" -> thread = json.nextString();
                case "ts" -> start = json.nextDouble();
                case "dur" -> duration = json.nextDouble();
                default -> json.skipValue();
            }
        }
        json.endObject();
        if (!"X".equals(phase) || name == null || Double.isNaN(start) || Double.isNaN(duration)) {
            return null;
        }
        return new Event(name, thread, start, duration);
    }

    /**
     * Finds each event's enclosing event on its thread (events sorted by start, an enclosing one
     * before what it encloses) and subtracts the event's duration from its parent's self time.
     */
    private static void nest(List<Event> events) {
        events.sort(Comparator.comparingDouble((Event e) -> e.start).thenComparing(e -> -e.duration));
        List<Event> open = new ArrayList<>();
        for (Event e : events) {
            while (!open.isEmpty() && open.get(open.size() - 1).end() <= e.start) {
                open.remove(open.size() - 1);
            }
            if (!open.isEmpty()) {
                Event parent = open.get(open.size() - 1);
                parent.self -= e.duration;
                e.topLevel = false;
            }
            open.add(e);
        }
    }

    /**
     * Returns the totals per operation, largest self time first.
     *
     * @return operation name to totals
     */
    public Map<String, OpTotals> ops() {
        Map<String, OpTotals> sorted = new LinkedHashMap<>();
        ops.entrySet().stream()
                .sorted(Map.Entry.<String, OpTotals>comparingByValue(Comparator.comparingDouble(OpTotals::selfMicros)).reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /**
     * Returns the sum over all operations.
     *
     * @return the totals of every operation together
     */
    public OpTotals total() {
        return ops.values().stream().reduce(new OpTotals(0, 0, 0, 0), OpTotals::plus);
    }

    /**
     * Returns what this profile has beyond a shorter one, divided by the number of extra steps:
     * the per-step profile when both ran the same set-up and differ only in their step count.
     *
     * @param shorter the profile of the shorter run
     * @param extraSteps how many more steps this run made
     * @return the per-step totals
     */
    public NativeOpProfile perStepBeyond(NativeOpProfile shorter, long extraSteps) {
        if (extraSteps < 1) {
            throw new IllegalArgumentException("extraSteps must be >= 1, got " + extraSteps);
        }
        Map<String, OpTotals> out = new HashMap<>();
        ops.forEach((k, v) -> out.put(k, v));
        shorter.ops.forEach((k, v) -> out.merge(k, v.scaled(-1), OpTotals::plus));
        out.replaceAll((k, v) -> v.scaled(1.0 / extraSteps));
        out.values().removeIf(v -> Math.abs(v.calls) < 1e-9);
        return new NativeOpProfile(out);
    }
}
