package dev.debias.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.debias.loss.GeneralizedCrossEntropyLoss;
import dev.debias.loss.GroupDroLoss;
import dev.debias.loss.GroupDroOptions;

import org.junit.jupiter.api.Test;

/** Every option of the Group DRO loss is reachable from its trainer's config. */
class GroupDroConfigTest {

    @Test
    void everyLossOptionReachesTheLoss() {
        GroupDroOptions options =
                GroupDroOptions.builder()
                        .optStepSize(0.05)
                        .optGeneralizationAdjustment(new double[] {1, 0, 2, 0.5})
                        .optNormalizeLoss(true)
                        .optBtl(true)
                        .optAlpha(0.4)
                        .optGamma(0.3)
                        .optMinVarWeight(0.1)
                        .optBaseLoss(new GeneralizedCrossEntropyLoss(0.7f, GeneralizedCrossEntropyLoss.Form.LFF))
                        .build();
        GroupDroConfig config = GroupDroConfig.builder().optLoss(options).build();
        GroupDroLoss loss = config.newLoss(BiasedToyData.spec().withGroupCounts(new long[] {10, 2, 3, 9}));
        assertEquals(options.describe(), loss.options().describe());
        assertEquals(GroupDroLoss.Variant.GREEDY, loss.variant());
        assertEquals(options.describe(), config.describe().getAsJsonObject("loss"));
        assertEquals(2.0, loss.adjustments()[2], 0);
    }

    @Test
    void theConvenienceSettersChangeOnlyTheirOption() {
        GroupDroConfig config =
                GroupDroConfig.builder().optStepSize(0.2).optClassConditional(true).optGeneralizationAdjustment(1).build();
        assertEquals(0.2, config.stepSize(), 0);
        assertEquals(GroupDroLoss.Variant.CLASS_CONDITIONAL, config.loss().variant());
        assertEquals(1.0, config.describe().getAsJsonObject("loss").get("generalizationAdjustment").getAsDouble(), 0);
        assertEquals(0.1, config.describe().getAsJsonObject("loss").get("gamma").getAsDouble(), 1e-12);
    }
}
