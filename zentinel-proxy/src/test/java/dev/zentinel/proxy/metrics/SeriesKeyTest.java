package dev.zentinel.proxy.metrics;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SeriesKeyTest {

    @Test
    void formatsSortedAndEscaped() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("z", "1");
        labels.put("a", "q\"b\\n\n");
        assertThat(SeriesKey.format("m_total", labels)).isEqualTo("m_total{a=\"q\\\"b\\\\n\\n\",z=\"1\"}");
        assertThat(SeriesKey.format("m_total", Map.of())).isEqualTo("m_total");
    }

    @Test
    void parsesWhatItFormats() {
        Map<String, String> labels = Map.of("a", "x,y=\"}", "b", "", "c", "line\nbreak\\");
        SeriesKey key = SeriesKey.parse(SeriesKey.format("metric_total", labels));
        assertThat(key).isNotNull();
        assertThat(key.name()).isEqualTo("metric_total");
        assertThat(key.labels()).isEqualTo(labels);
        assertThat(key.labelValuesFor(new String[] {"c", "a", "b"})).containsExactly("line\nbreak\\", "x,y=\"}", "");
        assertThat(key.labelValuesFor(new String[] {"a", "b"})).isNull();
    }

    @Test
    void rejectsMalformedKeys() {
        assertThat(SeriesKey.parse("")).isNull();
        assertThat(SeriesKey.parse("1metric")).isNull();
        assertThat(SeriesKey.parse("m{a=\"1\"")).isNull();
        assertThat(SeriesKey.parse("m{a=1}")).isNull();
        assertThat(SeriesKey.parse("m{a=\"1\"b=\"2\"}")).isNull();
        assertThat(SeriesKey.parse("m{a=\"1\",a=\"2\"}")).isNull();
        assertThat(SeriesKey.parse("m{=\"1\"}")).isNull();
        assertThat(SeriesKey.parse("m{}")).isEqualTo(new SeriesKey("m", Map.of()));
    }
}
