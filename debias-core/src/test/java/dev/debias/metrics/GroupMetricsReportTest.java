package dev.debias.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

class GroupMetricsReportTest {

    private static final double EPS = 1e-12;

    private static GroupMetrics fixture() {
        return GroupMetricsAccumulator.of(
                Fixture.spec(), Fixture.LABELS, Fixture.GROUPS, Fixture.PREDICTIONS);
    }

    /**
     * Three samples: (y=0, g0, pred 0) right, (y=1, g3, pred 0) wrong, (y=1, unknown group,
     * pred 1) right. Only the aligned groups g0 and g3 are non-empty.
     */
    private static GroupMetrics alignedOnly() {
        return GroupMetricsAccumulator.of(
                Fixture.spec(), new int[] {0, 1, 1}, new int[] {0, 3, -1}, new int[] {0, 0, 1});
    }

    @Test
    void jsonParsesBackWithEveryField(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("metrics.json");
        new GroupMetricsReport(fixture()).writeJson(file);
        JsonObject json =
                JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8))
                        .getAsJsonObject();
        assertEquals(0.7, json.get("averageAccuracy").getAsDouble(), EPS);
        assertEquals(0.0, json.get("worstGroupAccuracy").getAsDouble(), EPS);
        assertEquals(13.0 / 24, json.get("unbiasedAccuracy").getAsDouble(), EPS);
        assertEquals(5.0 / 6, json.get("alignedAccuracy").getAsDouble(), EPS);
        assertEquals(0.25, json.get("conflictingAccuracy").getAsDouble(), EPS);
        assertEquals(23.0 / 30, json.get("adjustedAccuracy").getAsDouble(), EPS);
        assertEquals(7.0 / 12, json.get("gap").getAsDouble(), EPS);
        assertTrue(json.get("meanLoss").isJsonNull());
        assertEquals(10, json.get("count").getAsLong());
        assertEquals(2, json.get("worstGroup").getAsInt());
        JsonArray groups = json.getAsJsonArray("groups");
        assertEquals(4, groups.size());
        JsonObject g1 = groups.get(1).getAsJsonObject();
        assertEquals(1, g1.get("group").getAsInt());
        assertEquals("y=0,a=1", g1.get("name").getAsString());
        assertEquals(0, g1.get("label").getAsInt());
        assertEquals(1, g1.get("attribute").getAsInt());
        assertFalse(g1.get("aligned").getAsBoolean());
        assertTrue(g1.get("conflicting").getAsBoolean());
        assertEquals(2, g1.get("count").getAsLong());
        assertEquals(1, g1.get("correct").getAsLong());
        assertEquals(0.5, g1.get("accuracy").getAsDouble(), EPS);
        JsonArray classes = json.getAsJsonArray("classes");
        assertEquals(0.8, classes.get(1).getAsJsonObject().get("accuracy").getAsDouble(), EPS);
        for (GroupMetric metric : GroupMetric.values()) {
            assertTrue(json.has(metric.key()), metric.key());
        }
    }

    @Test
    void undefinedValuesAreJsonNullAndNestable(@TempDir Path dir) throws IOException {
        JsonObject root = new JsonObject();
        root.add("test", new GroupMetricsReport(fixture()).toJsonObject());
        root.add("validation", new GroupMetricsReport(alignedOnly()).toJsonObject());
        Path file = dir.resolve("nested.json");
        GroupMetricsReport.writeJson(file, root);
        JsonObject back = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        JsonObject validation = back.getAsJsonObject("validation");
        // only aligned groups g0 and g3 are non-empty: no conflicting accuracy, no gap
        assertTrue(validation.get("conflictingAccuracy").isJsonNull());
        assertTrue(validation.get("gap").isJsonNull());
        JsonObject emptyGroup = validation.getAsJsonArray("groups").get(1).getAsJsonObject();
        assertEquals(0, emptyGroup.get("count").getAsLong());
        assertTrue(emptyGroup.get("accuracy").isJsonNull());
        assertEquals(1, validation.get("unknownGroupCount").getAsLong());
        JsonObject test = back.getAsJsonObject("test");
        assertEquals(13.0 / 24, test.get("unbiasedAccuracy").getAsDouble(), EPS);
    }

    @Test
    void csvParsesBack(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("groups.csv");
        new GroupMetricsReport(alignedOnly()).writeCsv(file);
        List<String> lines = Files.readAllLines(file);
        assertEquals(GroupMetricsReport.CSV_HEADER, lines.get(0));
        assertEquals(5, lines.size());
        List<String> g0 = parseCsvLine(lines.get(1));
        assertEquals(List.of("0", "y=0,a=0", "0", "0", "true", "false", "1", "1", "1.0"), g0);
        List<String> g3 = parseCsvLine(lines.get(4));
        assertEquals("y=1,a=1", g3.get(1));
        assertEquals(0.0, Double.parseDouble(g3.get(8)), EPS);
        List<String> empty = parseCsvLine(lines.get(2));
        assertEquals(9, empty.size());
        assertEquals("0", empty.get(6));
        assertEquals("", empty.get(8));
    }

    @Test
    void tableListsNonEmptyGroupsAndSummaries(@TempDir Path dir) throws IOException {
        GroupMetrics m = alignedOnly();
        String table = new GroupMetricsReport(m).toTable();
        String[] lines = table.split("\n");
        // header, rows for g0 and g3, then the summary lines
        assertTrue(lines[0].startsWith("group"));
        assertTrue(lines[1].trim().startsWith("0  y=0,a=0"), lines[1]);
        assertTrue(lines[1].contains("100.00 %") && lines[1].endsWith("aligned"), lines[1]);
        assertTrue(lines[2].trim().startsWith("3  y=1,a=1"), lines[2]);
        assertTrue(lines[2].contains(" 0.00 %") && lines[2].endsWith("aligned"), lines[2]);
        assertTrue(lines[3].startsWith("average accuracy"), lines[3]);
        // average (1 + 0 + 1) / 3
        assertTrue(lines[3].contains("66.67 %") && lines[3].contains("1 with unknown group"));
        assertTrue(table.contains("conflicting accuracy"));
        assertTrue(table.lines().anyMatch(l -> l.startsWith("conflicting") && l.endsWith("n/a")));
        Path file = dir.resolve("table.txt");
        new GroupMetricsReport(m).writeTable(file);
        assertEquals(table, Files.readString(file));
    }

    private static List<String> parseCsvLine(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
