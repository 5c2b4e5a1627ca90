package dev.zentinel.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import org.junit.jupiter.api.Test;

class PipelinedRequestsTest {

    private static HttpContent body(int bytes) {
        return new DefaultHttpContent(Unpooled.buffer(bytes).writeZero(bytes));
    }

    @Test
    void keepsArrivalOrderAndCountsHeadsAndBodyBytes() {
        PipelinedRequests pipelined = new PipelinedRequests(4);
        RequestHead first = RequestHead.rejected(400);
        HttpContent piece = body(10);
        RequestHead second = RequestHead.rejected(400);
        pipelined.add(first);
        pipelined.add(piece);
        pipelined.add(second);

        assertThat(pipelined.requests()).isEqualTo(2);
        assertThat(pipelined.poll()).isSameAs(first);
        assertThat(pipelined.requests()).isEqualTo(1);
        assertThat(pipelined.poll()).isSameAs(piece);
        assertThat(pipelined.poll()).isSameAs(second);
        assertThat(pipelined.isEmpty()).isTrue();
        assertThat(pipelined.poll()).isNull();
        piece.release();
    }

    @Test
    void aHeadOverTheLimitIsDroppedAndNothingIsTakenAfterIt() {
        PipelinedRequests pipelined = new PipelinedRequests(2);
        pipelined.add(RequestHead.rejected(400));
        pipelined.add(RequestHead.rejected(400));
        assertThat(pipelined.hasRoom()).isFalse();
        assertThat(pipelined.refusing()).isFalse();

        pipelined.add(RequestHead.rejected(400));
        HttpContent late = body(5);
        pipelined.add(late);

        assertThat(pipelined.refusing()).isTrue();
        assertThat(pipelined.requests()).isEqualTo(2);
        assertThat(late.refCnt()).as("a refused piece is released").isZero();
    }

    @Test
    void bodyBytesReadAheadAreBounded() {
        PipelinedRequests pipelined = new PipelinedRequests(8);
        pipelined.add(RequestHead.rejected(400));
        HttpContent big = body(PipelinedRequests.READ_AHEAD_BYTES);
        pipelined.add(big);
        assertThat(pipelined.hasRoom()).isFalse();

        pipelined.poll();
        pipelined.poll();
        assertThat(pipelined.hasRoom()).isTrue();
        big.release();
    }

    @Test
    void refusingStopsTakingAndClearReleasesEverything() {
        PipelinedRequests pipelined = new PipelinedRequests(8);
        HttpContent kept = body(3);
        pipelined.add(RequestHead.rejected(400));
        pipelined.add(kept);
        pipelined.refuseFurther();
        HttpContent refused = body(3);
        pipelined.add(refused);

        assertThat(refused.refCnt()).isZero();
        assertThat(pipelined.hasRoom()).isFalse();
        pipelined.clear();
        assertThat(kept.refCnt()).isZero();
        assertThat(pipelined.isEmpty()).isTrue();
        assertThat(pipelined.requests()).isZero();
    }

    @Test
    void theLimitIsAtLeastOne() {
        PipelinedRequests pipelined = new PipelinedRequests(0);
        pipelined.add(RequestHead.rejected(400));
        assertThat(pipelined.requests()).isEqualTo(1);
        assertThat(pipelined.refusing()).isFalse();
    }
}
