package dev.zentinel.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotCodecTest {

    /** The state the golden files were written from; never change it, add new golden files instead. */
    static final StateSnapshot GOLDEN_STATE = new StateSnapshot(41,
            Map.of("requests_total", 1234.0, "bytes_out_total", 98765.5, "upstream_errors_total", 0.0),
            Map.of("health", "{\"pool-a\":[\"up\",\"down\"]}", "note", "ünïcødé \"quoted\"\nline"));

    @Test
    void everyReadableVersionHasAGoldenFileThatDecodes() throws Exception {
        assertThat(SnapshotCodec.READABLE_VERSIONS).containsExactly(1, 2);
        assertThat(SnapshotCodec.decode(golden(1), 1)).isEqualTo(new StateSnapshot(41, GOLDEN_STATE.counters(), Map.of()));
        assertThat(SnapshotCodec.decode(golden(2), 2)).isEqualTo(GOLDEN_STATE);
    }

    @Test
    void todaysEncodingOfTheGoldenStateIsByteForByteTheGoldenFile() throws Exception {
        for (int version : SnapshotCodec.READABLE_VERSIONS) {
            assertThat(new String(SnapshotCodec.encode(GOLDEN_STATE, version), StandardCharsets.UTF_8))
                    .as("snapshot v%d format changed: add a new version instead of altering this one", version)
                    .isEqualTo(new String(golden(version), StandardCharsets.UTF_8));
        }
    }

    @Test
    void roundTripsInEveryVersionAndVersionOneDropsSections() throws Exception {
        assertThat(SnapshotCodec.decode(SnapshotCodec.encode(GOLDEN_STATE, 2), 2)).isEqualTo(GOLDEN_STATE);
        assertThat(SnapshotCodec.decode(SnapshotCodec.encode(GOLDEN_STATE, 1), 1).sections()).isEmpty();
        StateSnapshot empty = StateSnapshot.empty(0);
        assertThat(SnapshotCodec.decode(SnapshotCodec.encode(empty, 2), 2)).isEqualTo(empty);
    }

    @Test
    void unknownFieldsFromANewerProducerAreIgnored() throws Exception {
        String newer = "{\"format\":2,\"generation\":5,\"counters\":{\"a\":1},\"sections\":{},"
                + "\"producer\":{\"pid\":9,\"version\":\"9.9\"},\"rateLimitBuckets\":[1,2,3]}";
        assertThat(SnapshotCodec.decode(newer.getBytes(StandardCharsets.UTF_8), 2))
                .isEqualTo(new StateSnapshot(5, Map.of("a", 1.0), Map.of()));
        // A v1 reader treats a "sections" field like any other unknown field.
        String v1WithExtras = "{\"format\":1,\"generation\":5,\"counters\":{},\"sections\":{\"x\":\"y\"}}";
        assertThat(SnapshotCodec.decode(v1WithExtras.getBytes(StandardCharsets.UTF_8), 1)).isEqualTo(StateSnapshot.empty(5));
    }

    @Test
    void badInputIsRejectedWithAClearReason() {
        assertDecodeFails("not json", 2, "not valid JSON");
        assertDecodeFails("[1,2]", 2, "must be a JSON object");
        assertDecodeFails("{\"format\":2,\"counters\":{}}", 2, "'generation' must be a non-negative integer");
        assertDecodeFails("{\"format\":2,\"generation\":-1}", 2, "'generation' must be a non-negative integer");
        assertDecodeFails("{\"format\":2,\"generation\":1.5}", 2, "'generation' must be a non-negative integer");
        assertDecodeFails("{\"format\":2,\"generation\":1,\"counters\":{\"a\":\"x\"}}", 2, "counter 'a' is not a number");
        assertDecodeFails("{\"format\":2,\"generation\":1,\"sections\":{\"a\":1}}", 2, "section 'a' is not a string");
        assertDecodeFails("{\"format\":1,\"generation\":1}", 2, "says it is format 1");
        assertDecodeFails("{\"format\":2,\"generation\":1} {}", 2, "trailing data");
        assertDecodeFails("{\"format\":3,\"generation\":1}", 3, "cannot read snapshot version 3");
        assertThatThrownBy(() -> SnapshotCodec.decode(new byte[100], 2, 50)).isInstanceOf(HandoffException.class)
                .hasMessageContaining("exceeds the limit of 50 bytes");
        assertThatThrownBy(() -> SnapshotCodec.decode(null, 2)).isInstanceOf(HandoffException.class);
    }

    @Test
    void encodingAnUnknownVersionIsAProgrammingError() {
        assertThatThrownBy(() -> SnapshotCodec.encode(GOLDEN_STATE, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SnapshotCodec.encode(GOLDEN_STATE, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void newestCommonPicksTheHighestSharedVersion() throws Exception {
        assertThat(SnapshotCodec.newestCommon(List.of(1, 2, 3))).isEqualTo(2);
        assertThat(SnapshotCodec.newestCommon(List.of(1))).isEqualTo(1);
        assertThatThrownBy(() -> SnapshotCodec.newestCommon(List.of(3, 4))).isInstanceOf(HandoffException.class)
                .hasMessageContaining("no common snapshot version");
        assertThatThrownBy(() -> SnapshotCodec.newestCommon(List.of())).isInstanceOf(HandoffException.class);
    }

    @Test
    void nonFiniteCountersAreRefusedAtConstruction() {
        assertThatThrownBy(() -> new StateSnapshot(1, Map.of("a", Double.NaN), Map.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertDecodeFails(String json, int version, String fragment) {
        assertThatThrownBy(() -> SnapshotCodec.decode(json.getBytes(StandardCharsets.UTF_8), version))
                .isInstanceOf(HandoffException.class).hasMessageContaining(fragment);
    }

    static byte[] golden(int version) throws IOException {
        try (InputStream in = SnapshotCodecTest.class.getResourceAsStream("/golden/snapshot-v" + version + ".json")) {
            if (in == null) {
                throw new AssertionError("missing golden file golden/snapshot-v" + version + ".json");
            }
            return in.readAllBytes();
        }
    }
}
