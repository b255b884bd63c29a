package dev.debias.examples;

import dev.debias.train.DebiasTrainer;
import dev.debias.train.GroupDroConfig;
import dev.debias.train.GroupDroTrainer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Group DRO on the command line: {@link GroupDroConfig#coloredMnist()} ({@link
 * GroupDroConfig#mnistCorrelation()} on MNIST-Correlation), {@code --sampler}, {@code --eta}.
 */
final class GroupDroMethod implements MethodEntry {

    @Override
    public String name() {
        return "gdro";
    }

    @Override
    public Map<String, String> options() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("sampler", ErmMethod.SAMPLER_HELP);
        options.put("eta", "the step size of the group weights (preset 0.01)");
        return options;
    }

    @Override
    public DebiasTrainer create(Request request) {
        MethodOptionValues o = new MethodOptionValues(request.options());
        GroupDroConfig preset = request.onMnistCorrelation() ? GroupDroConfig.mnistCorrelation() : GroupDroConfig.coloredMnist();
        GroupDroConfig.Builder b = preset.toBuilder().setTraining(request.training().apply(preset.training()));
        Boolean balanced = o.groupBalanced();
        if (balanced != null) {
            b.optGroupBalanced(balanced);
        }
        if (o.has("eta")) {
            b.optStepSize(o.number("eta"));
        }
        return new GroupDroTrainer(b.build(), request.blocks()::get, request.inputShape());
    }

    @Override
    public List<Double> publishedColoredMnist() {
        return List.of(59.7, 71.3, 76.3, 84.4);
    }

    @Override
    public PaperReports paperReports() {
        return PaperReports.SELECTED;
    }

    @Override
    public boolean inDemo() {
        return true;
    }
}
