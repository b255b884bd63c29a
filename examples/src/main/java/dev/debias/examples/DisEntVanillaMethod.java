package dev.debias.examples;

import dev.debias.train.DebiasTrainer;
import dev.debias.train.ErmConfig;
import dev.debias.train.ErmTrainer;

import java.util.List;
import java.util.Map;

/** DisEnt's "vanilla" baseline on the command line: ERM with {@link ErmConfig#disentVanilla()} on its 16-d MLP. */
final class DisEntVanillaMethod implements MethodEntry {

    @Override
    public String name() {
        return "disent-vanilla";
    }

    @Override
    public Map<String, String> options() {
        return Map.of();
    }

    @Override
    public String defaultBackbone() {
        return "mlp-disent";
    }

    @Override
    public DebiasTrainer create(Request request) {
        ErmConfig preset = ErmConfig.disentVanilla();
        return new ErmTrainer(
                preset.toBuilder().setTraining(request.training().apply(preset.training())).build(),
                request.blocks()::get,
                request.inputShape());
    }

    @Override
    public List<Double> publishedColoredMnist() {
        return List.of();
    }

    @Override
    public PaperReports paperReports() {
        return PaperReports.SELECTED;
    }

    @Override
    public boolean inDemo() {
        return false;
    }
}
