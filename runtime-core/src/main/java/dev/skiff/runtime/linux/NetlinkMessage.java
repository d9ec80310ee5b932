package dev.skiff.runtime.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Builds one netlink request: a struct nlmsghdr, the fixed header of the message type
 * (ifinfomsg, ifaddrmsg, rtmsg), then rtattr attributes, nested ones included, each padded
 * to 4 bytes. Host byte order, as netlink wants.
 */
final class NetlinkMessage {
  private static final int HEADER = 16;

  private final ByteBuffer buffer = ByteBuffer.allocate(1024).order(ByteOrder.nativeOrder());
  private final Deque<Integer> open = new ArrayDeque<>();

  NetlinkMessage(int type, int flags, int sequence) {
    buffer.putInt(0).putShort((short) type).putShort((short) flags).putInt(sequence).putInt(0);
  }

  /** struct ifinfomsg: family, pad, type, index, flags, change. */
  NetlinkMessage ifinfo(int index, int flags, int change) {
    buffer.put((byte) 0).put((byte) 0).putShort((short) 0).putInt(index).putInt(flags).putInt(change);
    return this;
  }

  /** struct ifaddrmsg: family AF_INET, prefix length, flags, scope universe, index. */
  NetlinkMessage ifaddr(int prefixLength, int index) {
    buffer.put((byte) RtNetlink.AF_INET).put((byte) prefixLength).put((byte) 0).put((byte) 0).putInt(index);
    return this;
  }

  /** struct rtmsg for an IPv4 unicast route in the main table, added as iproute2's "boot" protocol. */
  NetlinkMessage rtmsg(int destinationLength) {
    buffer.put((byte) RtNetlink.AF_INET).put((byte) destinationLength).put((byte) 0).put((byte) 0)
        .put((byte) 254).put((byte) 3).put((byte) 0).put((byte) 1).putInt(0);
    return this;
  }

  NetlinkMessage string(int type, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    return attribute(type, Arrays.copyOf(bytes, bytes.length + 1));
  }

  NetlinkMessage u32(int type, int value) {
    return attribute(type, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
  }

  NetlinkMessage u8(int type, int value) {
    return attribute(type, new byte[] {(byte) value});
  }

  NetlinkMessage attribute(int type, byte[] value) {
    buffer.putShort((short) (4 + value.length)).putShort((short) type).put(value);
    pad();
    return this;
  }

  /** Starts a nested attribute; its length is filled in by {@link #end}. */
  NetlinkMessage begin(int type) {
    open.push(buffer.position());
    buffer.putShort((short) 0).putShort((short) type);
    return this;
  }

  NetlinkMessage end() {
    int start = open.pop();
    buffer.putShort(start, (short) (buffer.position() - start));
    return this;
  }

  byte[] bytes() {
    if (!open.isEmpty()) {
      throw new IllegalStateException("unclosed nested netlink attribute");
    }
    buffer.putInt(0, buffer.position());
    return Arrays.copyOf(buffer.array(), buffer.position());
  }

  int sequence() {
    return buffer.getInt(8);
  }

  private void pad() {
    while (buffer.position() % 4 != 0) {
      buffer.put((byte) 0);
    }
  }

  static int headerLength() {
    return HEADER;
  }
}
