/**
 * MQTT reason codes and the few packets the listener writes, encoded once or by mqtt-packet. Pure.
 * Reason codes: MQTT 5.0 §2.4 (table 2-6); 3.1.1 CONNACK return codes §3.2.2.3, SUBACK §3.9.3.
 */
import { generate, writeToStream } from 'mqtt-packet';

// mqtt-packet's first generate() otherwise builds a table of 65 536 two-byte Buffers for packet ids
// (about 7 MiB of heap held for the life of the process, measured in a heap snapshot of the agent);
// writing two bytes when needed costs nothing that matters. The switch is mqtt-packet's own and
// process-wide, for the uplink's mqtt.js too, and this module is loaded before either writes.
writeToStream.cacheNumbers = false;

export const RC = {
  success: 0x00,
  noSubscriptionExisted: 0x11,
  unspecified: 0x80,
  malformed: 0x81,
  protocolError: 0x82,
  implementationSpecific: 0x83,
  notAuthorized: 0x87,
  serverBusy: 0x89,
  serverShuttingDown: 0x8b,
  badAuthMethod: 0x8c,
  keepAliveTimeout: 0x8d,
  sessionTakenOver: 0x8e,
  topicNameInvalid: 0x90,
  topicAliasInvalid: 0x94,
  packetTooLarge: 0x95,
  quotaExceeded: 0x97,
  qosNotSupported: 0x9b,
  sharedSubscriptionsNotSupported: 0x9e,
} as const;

/** MQTT 3.1.1 CONNACK return codes. */
export const V4_CONNACK = { accepted: 0, badProtocolVersion: 1, notAuthorized: 5 } as const;

/** MQTT 3.1.1 SUBACK failure (§3.9.3). */
export const V4_SUBACK_FAILURE = 0x80;

/** PINGRESP (§3.13): fixed, so written from one buffer. */
export const PINGRESP = Buffer.from([0xd0, 0x00]);

/** Bytes of a PUBACK with success and no properties, in both versions (MQTT 5 §3.4.2.1 lets v5 omit both). */
export const PUBACK_OK_BYTES = 4;

/** Writes a success PUBACK for `messageId` at `offset` of `buf`. */
export function writePubackOk(buf: Buffer, offset: number, messageId: number): void {
  buf[offset] = 0x40;
  buf[offset + 1] = 0x02;
  buf[offset + 2] = messageId >> 8;
  buf[offset + 3] = messageId & 0xff;
}

/**
 * The v5 PUBACK reason for a denial. Only the codes of MQTT 5 §3.4.2.1 are allowed in a PUBACK, and
 * 0x95 (packet too large) is not among them: clients (mqtt.js among them) treat a PUBACK carrying
 * it as a malformed packet. So: rate → 0x97 quota exceeded; an oversized payload or a schema
 * failure → 0x83 ("valid, but the receiver is not willing to accept it"); a malformed topic → 0x90
 * topic name invalid; everything else → 0x87 not authorized. The rule is in the reason string.
 */
export function denialReasonCode(rule: string): number {
  if (rule === 'rate-limited') return RC.quotaExceeded;
  if (rule === 'payload-too-large' || rule === 'schema') return RC.implementationSpecific;
  if (rule === 'topic-invalid') return RC.topicNameInvalid;
  return RC.notAuthorized;
}

/** A v5 PUBACK with a failure reason; `reasonString` null when the client asked for no problem information. */
export function encodePubackV5(messageId: number, reasonCode: number, reasonString: string | null): Buffer {
  return generate(
    reasonString === null
      ? { cmd: 'puback', messageId, reasonCode }
      : { cmd: 'puback', messageId, reasonCode, properties: { reasonString } },
    { protocolVersion: 5 },
  );
}

/** A v5 DISCONNECT from the server (§3.14) with a reason. */
export function encodeDisconnectV5(reasonCode: number, reasonString: string | null): Buffer {
  return generate(
    reasonString === null
      ? { cmd: 'disconnect', reasonCode }
      : { cmd: 'disconnect', reasonCode, properties: { reasonString } },
    { protocolVersion: 5 },
  );
}

/** What the listener tells an MQTT 5 client in a successful CONNACK. */
export interface ConnackV5Props {
  readonly receiveMaximum: number;
  readonly maximumPacketSize: number;
  /** Sent when the client's keep-alive is replaced by the server's (§3.2.2.3.14). */
  readonly serverKeepAliveS: number | null;
  /** Sent when the client's id was empty (§3.2.2.3.7). */
  readonly assignedClientIdentifier: string | null;
}

export function encodeConnackOkV5(p: ConnackV5Props, isSessionPresent: boolean): Buffer {
  return generate(
    {
      cmd: 'connack',
      reasonCode: RC.success,
      sessionPresent: isSessionPresent,
      properties: {
        receiveMaximum: p.receiveMaximum,
        maximumPacketSize: p.maximumPacketSize,
        maximumQoS: 1,
        // Topic Alias Maximum absent means 0: the listener accepts no aliases (§3.2.2.3.8).
        wildcardSubscriptionAvailable: true,
        subscriptionIdentifiersAvailable: false,
        sharedSubscriptionAvailable: false,
        ...(p.serverKeepAliveS === null ? {} : { serverKeepAlive: p.serverKeepAliveS }),
        ...(p.assignedClientIdentifier === null
          ? {}
          : { assignedClientIdentifier: p.assignedClientIdentifier }),
      },
    },
    { protocolVersion: 5 },
  );
}

/** A CONNACK that refuses: `code` is a 3.1.1 return code for version 4, a reason code for version 5. */
export function encodeConnackRefused(protocolVersion: number, code: number): Buffer {
  return protocolVersion === 5
    ? generate({ cmd: 'connack', reasonCode: code, sessionPresent: false }, { protocolVersion: 5 })
    : generate({ cmd: 'connack', returnCode: code, sessionPresent: false }, { protocolVersion: 4 });
}

/** CONNACK accepted for MQTT 3.1.1 (§3.2.2): the session-present flag, return code 0. */
export function connackOkV4(isSessionPresent: boolean): Buffer {
  return Buffer.from([0x20, 0x02, isSessionPresent ? 0x01 : 0x00, 0x00]);
}

export function encodeSuback(protocolVersion: number, messageId: number, granted: number[]): Buffer {
  return generate({ cmd: 'suback', messageId, granted }, { protocolVersion });
}

export function encodeUnsuback(protocolVersion: number, messageId: number, granted: number[]): Buffer {
  return protocolVersion === 5
    ? generate({ cmd: 'unsuback', messageId, granted }, { protocolVersion: 5 })
    : generate({ cmd: 'unsuback', messageId, granted: [] }, { protocolVersion: 4 });
}

/** A QoS 0 PUBLISH (commands to a sensor). */
export function encodePublishQos0(protocolVersion: number, topic: string, payload: Uint8Array): Buffer {
  return generate(
    { cmd: 'publish', topic, payload: Buffer.from(payload), qos: 0, retain: false, dup: false },
    { protocolVersion },
  );
}
