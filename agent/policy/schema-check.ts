/**
 * The payload shape check: a UTF-8 JSON object with the named keys and types. Pure. Reasons name
 * keys and types, never values: payloads stay out of logs.
 */

import type { PayloadSchema } from './types.js';

/** Longest part of a payload's own key quoted in a reason, in characters. */
const MAX_QUOTED_KEY_CHARS = 32;

// A key from the payload is sensor input: quoted as JSON (escapes controls) and cut short.
function quoteKey(key: string): string {
  const cut = key.length > MAX_QUOTED_KEY_CHARS ? `${key.slice(0, MAX_QUOTED_KEY_CHARS)}…` : key;
  return JSON.stringify(cut);
}

/** `null` when the payload fits the schema, else the first reason it does not. */
export function checkPayloadSchema(payload: Uint8Array, schema: PayloadSchema): string | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    // The decoder throws only on malformed UTF-8, which is exactly the answer.
    return 'payload is not valid UTF-8';
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse throws only on malformed JSON, which is exactly the answer.
    return 'payload is not valid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `payload must be a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`;
  }
  const obj: Record<string, unknown> = { ...value };
  for (const [key, type] of Object.entries(schema.keys)) {
    if (!Object.hasOwn(obj, key)) return `key "${key}" is missing (expected ${type})`;
    const v = obj[key];
    const got = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
    if (got !== type) return `key "${key}": expected ${type}, got ${got}`;
    // JSON.parse turns 1e999 into Infinity.
    if (type === 'number' && !Number.isFinite(v)) return `key "${key}": number out of range`;
  }
  if (!schema.allowsExtraKeys) {
    for (const key of Object.keys(obj)) {
      if (!Object.hasOwn(schema.keys, key)) return `key ${quoteKey(key)} is not in the schema`;
    }
  }
  return null;
}
