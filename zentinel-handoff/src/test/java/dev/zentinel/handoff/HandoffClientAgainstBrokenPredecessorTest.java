package dev.zentinel.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The new side against a broken old side: it fails with a clear reason, within its io timeout. */
class HandoffClientAgainstBrokenPredecessorTest extends HandoffTestSupport {

    private static final HandoffLimits LIMITS = HandoffLimits.defaults().withIoTimeout(Duration.ofSeconds(2));
    private static final String OFFER_ONE = "{\"protocolVersion\":1,\"snapshotVersion\":2,\"generation\":3,\"pid\":1,"
            + "\"listeners\":[{\"name\":\"main\",\"address\":\"127.0.0.1:1\"}]}";
    private static final String SNAPSHOT = "{\"format\":2,\"generation\":3,\"counters\":{},\"sections\":{}}";

    private Path socket;

    @BeforeEach
    void privateDir() throws Exception {
        PrivateDirectory.ensure(tmp.resolve("run"));
        socket = socketPath();
    }

    @Test
    void garbageInsteadOfAnOffer() throws Exception {
        assertClientFails("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII), "bad magic");
    }

    @Test
    void anOfferOfAnUnknownSnapshotVersion() throws Exception {
        assertClientFails(RawPeer.frame(1, 2, OFFER_ONE.replace("\"snapshotVersion\":2", "\"snapshotVersion\":9")),
                "snapshot version 9");
    }

    @Test
    void anOfferWithoutItsGeneration() throws Exception {
        assertClientFails(RawPeer.frame(1, 2, OFFER_ONE.replace("\"generation\":3,", "")), "malformed OFFER");
    }

    @Test
    void anOfferWithoutTheSnapshot() throws Exception {
        assertClientFails(RawPeer.frame(1, 2, OFFER_ONE), "no SNAPSHOT");
    }

    @Test
    void aCorruptSnapshot() throws Exception {
        assertClientFails(concat(RawPeer.frame(1, 2, OFFER_ONE), RawPeer.frame(1, 4, "{\"format\":2,\"counters\":{}}")),
                "'generation' must be a non-negative integer");
    }

    @Test
    void bytesSentAheadOfTheDescriptorRequest() throws Exception {
        byte[] script = concat(RawPeer.frame(1, 2, OFFER_ONE), RawPeer.frame(1, 4, SNAPSHOT), RawPeer.frame(1, 8, "{}"));
        assertClientFails(script, "unexpected READY_ACK");
    }

    @Test
    void bytesInsteadOfDescriptors() throws Exception {
        byte[] script = concat(RawPeer.frame(1, 2, OFFER_ONE), RawPeer.frame(1, 4, SNAPSHOT));
        try (FakePredecessor fake = new FakePredecessor(socket, script, RawPeer.frame(1, 8, "{}"))) {
            Throwable cause = failureOf(HandoffClient.connect(socket, group, LIMITS, "v"));
            // In FILE_DESCRIPTORS mode stray bytes carry no descriptor: the wait for them times out.
            assertThat(cause).isInstanceOf(HandoffException.class).hasMessageContaining("descriptor");
        }
    }

    @Test
    void aPredecessorThatAnswersWithSilence() throws Exception {
        assertClientFails(new byte[0], "no OFFER");
    }

    @Test
    void theHelloCarriesOurVersionsAndPid() throws Exception {
        try (FakePredecessor fake = new FakePredecessor(socket, new byte[0])) {
            HandoffClient.connect(socket, group, LIMITS, "1.2.3");
            String hello = new String(await(fake.hello()), StandardCharsets.UTF_8);
            assertThat(hello).contains("\"pid\":" + ProcessHandle.current().pid()).contains("\"version\":\"1.2.3\"")
                    .contains("\"protocolVersions\":[1]").contains("\"snapshotVersions\":[1,2]");
        }
    }

    private void assertClientFails(byte[] script, String reasonFragment) throws Exception {
        try (FakePredecessor fake = new FakePredecessor(socket, script)) {
            Throwable cause = failureOf(HandoffClient.connect(socket, group, LIMITS, "v"));
            assertThat(cause).isInstanceOf(HandoffException.class).hasMessageContaining(reasonFragment);
        }
        Files.deleteIfExists(socket);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
