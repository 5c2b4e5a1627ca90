package dev.zentinel.handoff;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Writes {@link Frame}s; descriptors written to the channel pass through to the transport. */
@ChannelHandler.Sharable
final class FrameEncoder extends MessageToByteEncoder<Frame> {

    FrameEncoder() {
        super(Frame.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, ByteBuf out) {
        out.writeInt(Protocol.MAGIC);
        out.writeShort(frame.version());
        out.writeByte(frame.type().code());
        out.writeByte(0);
        out.writeInt(frame.payload().length);
        out.writeBytes(frame.payload());
    }
}
