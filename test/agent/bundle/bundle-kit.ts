/** Builders shared by the bundle tests: typical readings and hand-written CBOR with one field wrong. */
import type { BundleInput, BundleReadingInput } from '../../../agent/bundle/bundle.js';
import { CborWriter } from '../../../agent/bundle/cbor-writer.js';

export const utf8 = new TextEncoder();
export const T0 = 1_732_550_000_123;

export function jsonReading(sensor: string, tMs: number, topic: string, body: unknown): BundleReadingInput {
  return { sensor, tMs, topic, payload: utf8.encode(JSON.stringify(body)) };
}

/** 100 readings from 10 sensors, shaped like a typical climate sensor's JSON. */
export function climateBundle(): BundleInput {
  const readings: BundleReadingInput[] = [];
  for (let i = 0; i < 100; i++) {
    const sensor = `s${10 + (i % 10)}`;
    const t = T0 + i * 1000;
    const body = { sensor, t, temp: 21.37 + (i % 7) * 0.01, hum: 40.2 + (i % 5) * 0.1, seq: 123 + i };
    readings.push(jsonReading(sensor, t, i % 3 === 0 ? 'readings/env' : 'readings/air', body));
  }
  return { deviceId: 'gw-0042', bundleSeq: 7, readings };
}

export function plainBytes(doc: CborWriterScript): Uint8Array {
  const w = new CborWriter();
  doc(w);
  return w.finish();
}
export type CborWriterScript = (w: CborWriter) => void;

/** A bundle map written by hand so one field can be made wrong. */
export function handBundle(over: {
  v?: number;
  index?: number;
  topicIndex?: number;
  readings?: number;
}): Uint8Array {
  return plainBytes((w) => {
    w.mapHeader(7);
    w.text('v');
    w.uint(over.v ?? 1);
    w.text('dev');
    w.text('d');
    w.text('seq');
    w.uint(1);
    w.text('t0');
    w.uint(T0);
    w.text('s');
    w.arrayHeader(1);
    w.text('s1');
    w.text('tp');
    w.arrayHeader(1);
    w.text('readings/env');
    w.text('r');
    const n = over.readings ?? 1;
    w.arrayHeader(n);
    for (let i = 0; i < n; i++) {
      w.arrayHeader(4);
      w.uint(over.index ?? 0);
      w.uint(0);
      w.uint(over.topicIndex ?? 0);
      w.uint(1);
    }
  });
}

export function envelope(d: Uint8Array): Uint8Array {
  return plainBytes((w) => {
    w.mapHeader(3);
    w.text('v');
    w.uint(1);
    w.text('z');
    w.uint(1);
    w.text('d');
    w.bytes(d);
  });
}
