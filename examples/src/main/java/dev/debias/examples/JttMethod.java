package dev.debias.examples;

import com.google.gson.JsonObject;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedArrayDataset;
import dev.debias.train.DebiasTrainer;
import dev.debias.train.JttConfig;
import dev.debias.train.JttTrainer;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just Train Twice on the command line: {@link JttConfig#coloredMnist(double)} for the measured
 * conflicting share, {@code --identification-epochs} and {@code --upweight}.
 */
final class JttMethod implements MethodEntry {

    @Override
    public String name() {
        return "jtt";
    }

    @Override
    public Map<String, String> options() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("identification-epochs", "T + 1, the epochs of the identification run");
        options.put("upweight", "lambda_up, extra copies of each error-set sample, or auto (balancing)");
        return options;
    }

    @Override
    public DebiasTrainer create(Request request) {
        MethodOptionValues o = new MethodOptionValues(request.options());
        JttConfig preset = JttConfig.coloredMnist(request.conflictPercent());
        var identification = request.training().applyOptimisation(preset.identification()).toBuilder();
        if (o.has("identification-epochs")) {
            identification.setEpochs(o.positiveInt("identification-epochs"));
        }
        JttConfig.Builder b =
                preset.toBuilder()
                        .setIdentification(identification.build())
                        .setTraining(request.training().apply(preset.training()));
        if (o.has("upweight")) {
            if ("auto".equals(o.text("upweight"))) {
                b.optBalancingUpweight();
            } else {
                b.optUpweight(o.positiveInt("upweight"));
            }
        }
        return new JttTrainer(b.build(), request.blocks()::get, request.inputShape());
    }

    @Override
    public String reportedModelName() {
        return "final";
    }

    @Override
    public String reportedPhase() {
        return dev.debias.train.JttTrainer.FINAL;
    }

    @Override
    public List<Double> publishedColoredMnist() {
        return List.of(53.0, 61.7, 74.2, 85.0);
    }

    @Override
    public PaperReports paperReports() {
        return PaperReports.SELECTED;
    }

    @Override
    public void addMetrics(DebiasTrainer trainer, GroupedArrayDataset train, JsonObject metrics) {
        JttTrainer jtt = (JttTrainer) trainer;
        long[] errorSet = jtt.errorSet();
        metrics.addProperty("errorSetSize", errorSet.length);
        metrics.addProperty("upweight", jtt.upweight());
        if (train.hasGroupLabels()) {
            metrics.add("errorSetComposition", composition(train, errorSet));
        }
    }

    /**
     * Describes how well the error set finds the bias-conflicting training samples: how many of
     * them it holds, its precision and its recall (each left out when undefined).
     */
    private static JsonObject composition(GroupedArrayDataset train, long[] errorSet) {
        GroupSpec spec = train.groupSpec();
        int[] groups = train.groups();
        long conflicting = TrainCommand.conflictingCount(train);
        long found = Arrays.stream(errorSet).filter(i -> spec.isConflicting(groups[(int) i])).count();
        JsonObject json = new JsonObject();
        json.addProperty("conflicting", found);
        json.addProperty("trainingConflicting", conflicting);
        if (errorSet.length > 0) {
            json.addProperty("precision", (double) found / errorSet.length);
        }
        if (conflicting > 0) {
            json.addProperty("recall", (double) found / conflicting);
        }
        return json;
    }

    @Override
    public boolean inDemo() {
        return false;
    }
}
