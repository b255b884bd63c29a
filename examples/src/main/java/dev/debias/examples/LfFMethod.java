package dev.debias.examples;

import dev.debias.train.DebiasTrainer;
import dev.debias.train.LfFConfig;
import dev.debias.train.LfFTrainer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Learning from Failure on the command line: {@link LfFConfig#coloredMnist()}, {@code --q}, {@code --ema-alpha}. */
final class LfFMethod implements MethodEntry {

    @Override
    public String name() {
        return "lff";
    }

    @Override
    public Map<String, String> options() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("q", "the GCE exponent of the biased model (preset 0.7)");
        options.put("ema-alpha", "the per-sample loss EMA factor (preset 0.7)");
        return options;
    }

    @Override
    public DebiasTrainer create(Request request) {
        MethodOptionValues o = new MethodOptionValues(request.options());
        LfFConfig preset = LfFConfig.coloredMnist();
        LfFConfig.Builder b = preset.toBuilder().setTraining(request.training().apply(preset.training()));
        if (o.has("q")) {
            b.optQ((float) o.number("q"));
        }
        if (o.has("ema-alpha")) {
            b.optEmaAlpha((float) o.number("ema-alpha"));
        }
        return new LfFTrainer(b.build(), request.blocks()::get, request.inputShape());
    }

    @Override
    public String reportedModelName() {
        return "debiased";
    }

    @Override
    public List<Double> publishedColoredMnist() {
        return List.of(63.4, 74.0, 80.5, 85.4);
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
