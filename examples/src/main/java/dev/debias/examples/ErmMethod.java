package dev.debias.examples;

import dev.debias.train.DebiasTrainer;
import dev.debias.train.ErmConfig;
import dev.debias.train.ErmTrainer;

import java.util.List;
import java.util.Map;

/**
 * ERM on the command line: {@link ErmConfig#coloredMnist()} ({@link ErmConfig#mnistCorrelation()}
 * on MNIST-Correlation) and {@code --sampler}.
 */
final class ErmMethod implements MethodEntry {

    static final String SAMPLER_HELP = "default|shuffle|group-balanced (batches drawn uniformly or group-balanced)";

    @Override
    public String name() {
        return "erm";
    }

    @Override
    public Map<String, String> options() {
        return Map.of("sampler", SAMPLER_HELP);
    }

    @Override
    public DebiasTrainer create(Request request) {
        MethodOptionValues o = new MethodOptionValues(request.options());
        ErmConfig preset = request.onMnistCorrelation() ? ErmConfig.mnistCorrelation() : ErmConfig.coloredMnist();
        ErmConfig.Builder b = preset.toBuilder().setTraining(request.training().apply(preset.training()));
        Boolean balanced = o.groupBalanced();
        if (balanced != null) {
            b.optGroupBalanced(balanced);
        }
        return new ErmTrainer(b.build(), request.blocks()::get, request.inputShape());
    }

    @Override
    public List<Double> publishedColoredMnist() {
        return List.of(35.3, 50.3, 62.3, 77.6);
    }

    @Override
    public PaperReports paperReports() {
        return PaperReports.FINAL;
    }

    @Override
    public boolean inDemo() {
        return true;
    }
}
