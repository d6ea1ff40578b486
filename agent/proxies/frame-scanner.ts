/**
 * Finds MQTT packet boundaries in a byte stream without decoding packets: the fixed header's first
 * byte, then the Remaining Length (MQTT 3.1.1 §2.2.3, 1..4 bytes of 7 bits), then that many bytes.
 * The listener runs it on every chunk before the packet parser so that
 *
 *   - a packet announced larger than `maxPacketBytes` is refused from its header, before its body is
 *     buffered (mqtt-packet itself buffers whatever length a header announces), and
 *   - the listener knows when a packet has stayed incomplete too long (a client trickling bytes).
 *
 * No I/O and no clock; the state lives in the instance so the per-chunk path allocates nothing.
 */

export type ScanResult =
  | { readonly ok: true }
  /** `isTooLarge`: over maxPacketBytes (a limit); otherwise the framing is malformed. */
  | { readonly ok: false; readonly isTooLarge: boolean; readonly reason: string };

const OK: ScanResult = { ok: true };
enum Phase {
  Header,
  Length,
  Body,
}

export class FrameScanner {
  private phase = Phase.Header;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private bodyLeft = 0;
  /** Packets whose last byte has been seen. */
  completed = 0;

  /** `maxPacketBytes`: the whole packet, fixed header included (the MQTT 5 Maximum Packet Size). */
  constructor(private readonly maxPacketBytes: number) {}

  /** Whether the bytes seen so far end inside a packet. */
  get isMidPacket(): boolean {
    return this.phase !== Phase.Header;
  }

  /** Advances over `chunk`; a failure is final (the connection must be closed). */
  scan(chunk: Uint8Array): ScanResult {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.phase === Phase.Body) {
        const take = Math.min(this.bodyLeft, n - i);
        i += take;
        this.bodyLeft -= take;
        if (this.bodyLeft === 0) {
          this.phase = Phase.Header;
          this.completed++;
        }
        continue;
      }
      if (this.phase === Phase.Header) {
        // The type and flags are the parser's to judge; only the length matters here.
        i++;
        this.phase = Phase.Length;
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        continue;
      }
      const b = chunk[i++] ?? 0;
      this.length += (b & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.lengthBytes++;
      if ((b & 0x80) !== 0) {
        if (this.lengthBytes === 4)
          return { ok: false, isTooLarge: false, reason: 'remaining length longer than 4 bytes' };
        continue;
      }
      const total = 1 + this.lengthBytes + this.length;
      if (total > this.maxPacketBytes) {
        return {
          ok: false,
          isTooLarge: true,
          reason: `packet of ${total} bytes, at most ${this.maxPacketBytes} accepted`,
        };
      }
      this.bodyLeft = this.length;
      if (this.bodyLeft === 0) {
        this.phase = Phase.Header;
        this.completed++;
      } else {
        this.phase = Phase.Body;
      }
    }
    return OK;
  }
}
