/**
 * The read side of a sensor's MQTT connection after the FrameScanner has vetted the lengths: cuts
 * the byte stream into whole packets and decodes the common PUBLISH itself.
 *
 *   chunk ─▶ PacketSplitter ─┬─ PUBLISH at QoS 0/1, whole ─▶ decodePublish ─(null)─▶ mqtt-packet
 *                            └─ any other packet, byte for byte as it arrives ───────▶ mqtt-packet
 *
 * Why: mqtt-packet keeps a BufferList per parser, copies each packet out of it, builds a Packet
 * through eight states with a debug() call in each: the second-largest cost removed after the CPU
 * profile of the saturating benchmark (hil/bench/RESULTS.md, data path). Every other packet reaches mqtt-packet as it did before, byte for byte and
 * as soon as it arrives (so a bad fixed header is refused at once, not when its body is complete),
 * and decodePublish hands back (null) any PUBLISH it does not decode exactly as mqtt-packet would.
 *
 * A packet that lies within one chunk is a view of that chunk (as mqtt-packet's payloads are); one
 * that spans chunks is copied into a buffer of its own size. No I/O, no clock.
 */
import type { IPublishPacket } from 'mqtt-packet';

/** Longest fixed header: 1 type byte and 4 Remaining Length bytes (MQTT 3.1.1 §2.2.3). */
const MAX_FIXED_HEADER_BYTES = 5;

/**
 * Total size of the packet starting at `at` (fixed header included), -1 when the bytes end inside
 * its fixed header, -2 when its Remaining Length runs past 4 bytes.
 */
export function packetSize(b: Uint8Array, at: number, end: number): number {
  let len = 0;
  let mul = 1;
  for (let i = at + 1; i < at + MAX_FIXED_HEADER_BYTES; i++) {
    if (i >= end) return -1;
    const byte = b[i] ?? 0;
    len += (byte & 0x7f) * mul;
    if ((byte & 0x80) === 0) return i + 1 - at + len;
    mul *= 128;
  }
  return -2;
}

/** Where the splitter's output goes. */
export interface PacketSink {
  /** A whole PUBLISH at QoS 0 or 1 (a candidate for {@link decodePublish}). */
  publish(packet: Buffer): void;
  /** Bytes of any other packet, passed on as they arrive (mqtt-packet judges its header at once). */
  other(bytes: Buffer): void;
  /** Asked between packets: the connection closed, stop. */
  isStopped(): boolean;
}

/** PUBLISH with QoS 0 or 1: the packets collected whole; QoS 3 is mqtt-packet's to refuse. */
function isPublishCandidate(b0: number): boolean {
  return b0 >> 4 === 3 && ((b0 >> 1) & 3) <= 1;
}

export class PacketSplitter {
  /** The fixed header of a packet cut by a chunk end, while its size is not known yet. */
  private readonly head = Buffer.alloc(MAX_FIXED_HEADER_BYTES);
  private headBytes = 0;
  /** Whether the packet being read is not a PUBLISH candidate (streamed to mqtt-packet). */
  private isOther = false;
  /** Bytes of a streamed packet still to come. */
  private left = 0;
  /** A PUBLISH cut by a chunk end, once its size is known, and how much of it has arrived. */
  private partial: Buffer | null = null;
  private partialBytes = 0;

  /** Feeds `chunk`; returns false (and stops) when a Remaining Length runs past 4 bytes. */
  push(chunk: Buffer, sink: PacketSink): boolean {
    let i = 0;
    const n = chunk.length;
    while (i < n && !sink.isStopped()) {
      if (this.left > 0) {
        const take = Math.min(this.left, n - i);
        sink.other(chunk.subarray(i, i + take));
        this.left -= take;
        i += take;
      } else if (this.partial !== null) {
        const take = Math.min(this.partial.length - this.partialBytes, n - i);
        chunk.copy(this.partial, this.partialBytes, i, i + take);
        this.partialBytes += take;
        i += take;
        if (this.partialBytes === this.partial.length) this.emitPartial(sink);
      } else if (this.headBytes > 0) {
        // The rest of a fixed header cut by the last chunk: at most 4 more bytes, one at a time.
        this.head[this.headBytes++] = chunk[i] ?? 0;
        if (this.isOther) sink.other(chunk.subarray(i, i + 1));
        i++;
        const size = packetSize(this.head, 0, this.headBytes);
        if (size === -2) return false;
        if (size >= 0) this.sized(size, sink);
      } else {
        const b0 = chunk[i] ?? 0;
        this.isOther = !isPublishCandidate(b0);
        const size = packetSize(chunk, i, n);
        if (size === -2) return false;
        const end = size === -1 ? n : Math.min(n, i + size);
        if (this.isOther) {
          sink.other(chunk.subarray(i, end));
          if (size === -1) this.keepHead(chunk, i, n);
          else this.left = i + size - end;
        } else if (size === -1) this.keepHead(chunk, i, n);
        else if (end < i + size) {
          this.partial = Buffer.allocUnsafe(size);
          chunk.copy(this.partial, 0, i, end);
          this.partialBytes = end - i;
        } else sink.publish(chunk.subarray(i, end));
        i = end;
      }
    }
    return true;
  }

  private keepHead(chunk: Buffer, from: number, to: number): void {
    chunk.copy(this.head, 0, from, to);
    this.headBytes = to - from;
  }

  /** The cut fixed header is complete: the packet is `size` bytes. */
  private sized(size: number, sink: PacketSink): void {
    const had = this.headBytes;
    this.headBytes = 0;
    if (this.isOther) {
      this.left = size - had;
      return;
    }
    this.partial = Buffer.allocUnsafe(size);
    this.head.copy(this.partial, 0, 0, had);
    this.partialBytes = had;
    if (had === size) this.emitPartial(sink);
  }

  private emitPartial(sink: PacketSink): void {
    const whole = this.partial;
    this.partial = null;
    if (whole !== null) sink.publish(whole);
  }
}

/**
 * The last topic a connection published to, so a sensor that keeps publishing to one topic does not
 * cost a UTF-8 decode and a new string per reading.
 */
export interface TopicMemo {
  bytes: Buffer;
  text: string;
}

export function newTopicMemo(): TopicMemo {
  return { bytes: Buffer.alloc(0), text: '' };
}

function topicOf(b: Buffer, from: number, to: number, memo: TopicMemo): string {
  const len = to - from;
  const last = memo.bytes;
  if (last.length === len) {
    let k = 0;
    while (k < len && last[k] === b[from + k]) k++;
    if (k === len) return memo.text;
  }
  // Decoded as mqtt-packet decodes it (lenient UTF-8); the policy checks the result.
  const text = b.toString('utf8', from, to);
  memo.bytes = Buffer.from(b.subarray(from, to));
  memo.text = text;
  return text;
}

/**
 * A whole PUBLISH packet (`b`, fixed header included) decoded as mqtt-packet decodes it, or null
 * when it is not the common case (QoS 2 or 3, MQTT 5 properties, a topic or packet id cut short):
 * the caller then hands it to mqtt-packet. `version` is the connection's protocol level (4 or 5).
 */
export function decodePublish(b: Buffer, version: number, memo: TopicMemo): IPublishPacket | null {
  const b0 = b[0] ?? 0;
  if (b0 >> 4 !== 3) return null;
  const qosBits = (b0 >> 1) & 3;
  if (qosBits > 1) return null;
  const qos = qosBits === 1 ? 1 : 0;
  let p = 1;
  while (p < b.length && ((b[p] ?? 0) & 0x80) !== 0) p++;
  p++;
  const remaining = b.length - p;
  if (p + 2 > b.length) return null;
  const topicEnd = p + 2 + b.readUInt16BE(p);
  if (topicEnd > b.length) return null;
  const topic = topicOf(b, p + 2, topicEnd, memo);
  p = topicEnd;
  let messageId = 0;
  if (qos === 1) {
    if (p + 2 > b.length) return null;
    messageId = b.readUInt16BE(p);
    p += 2;
  }
  if (version === 5) {
    // Properties (MQTT 5 §3.3.2.3): only an empty list is decoded here.
    if (p >= b.length || b[p] !== 0) return null;
    p++;
  }
  const retain = (b0 & 1) !== 0;
  const dup = (b0 & 8) !== 0;
  const payload = b.subarray(p);
  return qos === 1
    ? { cmd: 'publish', retain, qos, dup, length: remaining, topic, payload, messageId }
    : { cmd: 'publish', retain, qos, dup, length: remaining, topic, payload };
}
