/**
 * Types, limits and defaults of the telemetry bundle (`ztgw/<id>/up/t`). The wire schema is in
 * bundle.cddl next to this file.
 */
import type { JsonValue } from '../../modem/errors.js';

/** Format version carried in `v` of both the bundle and the deflate envelope. */
export const BUNDLE_VERSION = 1;

/** One reading as the batcher hands it over: the sensor's payload exactly as it arrived. */
export interface BundleReadingInput {
  /** Sensor id (its identity behind the gateway). */
  readonly sensor: string;
  /** When the reading was accepted, ms since the Unix epoch (integer, ≥ 0). */
  readonly tMs: number;
  /** The local topic the sensor published on (checked by policy), e.g. `readings/env`. */
  readonly topic: string;
  /** Raw payload bytes; carried as CBOR when they are UTF-8 JSON, else as a byte string. */
  readonly payload: Uint8Array;
}

export interface BundleInput {
  /** The device id, as in the topic `ztgw/<id>/up/t`. */
  readonly deviceId: string;
  /**
   * Journal sequence number of the first reading (integer, ≥ 1); the readings are consecutive
   * journal records, so reading i has sequence `bundleSeq + i`. A receiver drops a (dev, seq) it has
   * seen, which also covers a resend whose bundle was cut differently after a restart.
   */
  readonly bundleSeq: number;
  readonly readings: readonly BundleReadingInput[];
}

export interface EncodeBundleOptions {
  /** Try deflate and use it when it pays (see the two thresholds). Default true. */
  readonly isDeflateAllowed?: boolean;
  /** Deflate must save more than this fraction of the plain size. Default 0.1 (10 %). */
  readonly deflateMinSavingRatio?: number;
  /** … and at least this many bytes. Default 32. */
  readonly deflateMinSavingBytes?: number;
  /** Largest JSON nesting transcoded to CBOR; deeper payloads travel as raw bytes. Default 32. */
  readonly maxJsonDepth?: number;
  /** Refuse to build a bundle with more readings than a receiver accepts. Default 10 000. */
  readonly maxReadings?: number;
}

export interface DecodeBundleOptions {
  /** Largest plain (inflated) bundle accepted, bytes. Default 1 MiB. Bounds a deflate bomb. */
  readonly maxDecompressedBytes?: number;
  /** Most readings accepted in one bundle. Default 10 000. */
  readonly maxReadings?: number;
}

export const DEFAULT_ENCODE_OPTIONS: Required<EncodeBundleOptions> = {
  isDeflateAllowed: true,
  deflateMinSavingRatio: 0.1,
  deflateMinSavingBytes: 32,
  maxJsonDepth: 32,
  maxReadings: 10_000,
};

export const DEFAULT_DECODE_OPTIONS: Required<DecodeBundleOptions> = {
  maxDecompressedBytes: 1024 * 1024,
  maxReadings: 10_000,
};

/** A reading's body: the JSON the sensor sent, or its raw bytes when it was not JSON. */
export type ReadingBody =
  | { readonly kind: 'json'; readonly value: JsonValue }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array };

export interface DecodedReading {
  readonly sensor: string;
  readonly topic: string;
  /** Absolute time, ms since the Unix epoch (t0 + dt). */
  readonly tMs: number;
  /** Journal sequence number: the bundle's seq + the reading's index. */
  readonly seq: number;
  readonly body: ReadingBody;
}

export interface Bundle {
  readonly deviceId: string;
  readonly bundleSeq: number;
  readonly t0Ms: number;
  readonly readings: readonly DecodedReading[];
  /** Whether it arrived inside the deflate envelope. */
  readonly wasDeflated: boolean;
}
