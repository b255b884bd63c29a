package dev.debias.examples;

import com.google.gson.JsonObject;

import dev.debias.data.GroupedArrayDataset;
import dev.debias.data.GroupedDataset;
import dev.debias.gan.BestTestTracker;
import dev.debias.gan.DisEntConfig;
import dev.debias.gan.DisEntModel;
import dev.debias.gan.DisEntTrainer;
import dev.debias.train.DebiasTrainer;
import dev.debias.train.LearningRateSchedule;
import dev.debias.train.TrainingConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DisEnt on the command line: {@link DisEntConfig#coloredMnist()}, its loss weights and {@code
 * curr_step} ({@code --swap-start} moves the swap and the start of the learning-rate decay, as
 * the official code's {@code curr_step}), encoders from the backbone's feature extractor (DisEnt's 16-d MLP by default), and
 * the best test accuracy over the run reported as {@value MethodEntry#REFERENCE_PROTOCOL}.
 */
final class DisEntMethod implements MethodEntry {

    @Override
    public String name() {
        return "disent";
    }

    @Override
    public Map<String, String> options() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("lambda-dis", "weight of the bias branch's GCE (preset 10)");
        options.put("lambda-swap-bias", "weight of the swapped bias branch's GCE (preset 10)");
        options.put("lambda-swap", "weight of the swapped losses (preset 1)");
        options.put("swap-start", "curr_step: features are swapped after it (preset 10000)");
        return options;
    }

    @Override
    public String defaultBackbone() {
        return "mlp-disent";
    }

    @Override
    public DebiasTrainer create(Request request) {
        MethodOptionValues o = new MethodOptionValues(request.options());
        DisEntConfig preset = DisEntConfig.coloredMnist();
        DisEntConfig.Builder b = preset.toBuilder().setTraining(request.training().apply(preset.training()));
        b.optLambdas(
                o.has("lambda-dis") ? (float) o.number("lambda-dis") : preset.lambdaDis(),
                o.has("lambda-swap-bias") ? (float) o.number("lambda-swap-bias") : preset.lambdaSwapBias(),
                o.has("lambda-swap") ? (float) o.number("lambda-swap") : preset.lambdaSwap());
        if (o.has("swap-start")) {
            // curr_step is one setting in DisEnt: the swap and the learning-rate decay start there.
            long currStep = o.positiveInt("swap-start");
            b.optSwapStart(currStep);
            TrainingConfig training = b.build().training();
            b.setTraining(
                    training.toBuilder()
                            .optOptimizer(
                                    training.optimizer().toBuilder()
                                            .optSchedule(LearningRateSchedule.stepDecay(10_000, 0.5f).startingAt(currStep))
                                            .build())
                            .build());
        }
        return new DisEntTrainer(b.build(), () -> DisEntModel.of(request.blocks()), request.inputShape());
    }

    /** A fifth of the run, as curr_step = 10,000 of the preset's 50,000 steps. */
    @Override
    public Map<String, String> demoOptions(long iterations) {
        return Map.of("swap-start", Long.toString(Math.max(1, iterations / 5)));
    }

    @Override
    public void beforeFit(DebiasTrainer trainer, GroupedDataset test) {
        ((DisEntTrainer) trainer).trackBestTestAccuracy(test);
    }

    @Override
    public void addMetrics(DebiasTrainer trainer, GroupedArrayDataset train, JsonObject metrics) {
        ((DisEntTrainer) trainer).bestTestAccuracy().ifPresent(best -> metrics.add(REFERENCE_PROTOCOL, reference(best)));
    }

    private static JsonObject reference(BestTestTracker.Best best) {
        JsonObject json = new JsonObject();
        json.addProperty(
                "rule", "best unbiased test accuracy over the run (DisEnt's official code; selects on the test set)");
        json.addProperty("step", best.step());
        JsonObject test = new JsonObject();
        test.addProperty("unbiasedAccuracy", best.unbiasedAccuracy());
        json.add("test", test);
        return json;
    }

    /** The official code re-run by DeNetDM (NeurIPS 2024, Table 1). */
    @Override
    public String reportedModelName() {
        return "disent";
    }

    @Override
    public ai.djl.nn.Block reportedBlock(java.util.function.Supplier<dev.debias.model.Backbone> backbones) {
        return DisEntModel.of(backbones);
    }

    @Override
    public List<Double> publishedColoredMnist() {
        return List.of(59.1, 71.0, 82.9, 88.3);
    }

    @Override
    public PaperReports paperReports() {
        return PaperReports.BEST_TEST;
    }

    @Override
    public boolean inDemo() {
        return true;
    }
}
