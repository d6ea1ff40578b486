import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkPayloadSchema } from '../../../agent/policy/schema-check.js';
import type { PayloadSchema } from '../../../agent/policy/types.js';

const schema: PayloadSchema = {
  keys: { t: 'number', unit: 'string', isOk: 'boolean' },
  allowsExtraKeys: false,
};
const open: PayloadSchema = { ...schema, allowsExtraKeys: true };
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

const table: [name: string, payload: Uint8Array, s: PayloadSchema, expected: string | null][] = [
  ['fits', bytes('{"t":21.5,"unit":"C","isOk":true}'), schema, null],
  [
    'extra key refused',
    bytes('{"t":1,"unit":"C","isOk":true,"x":1}'),
    schema,
    'key "x" is not in the schema',
  ],
  ['extra key allowed', bytes('{"t":1,"unit":"C","isOk":true,"x":1}'), open, null],
  ['missing key', bytes('{"t":1,"unit":"C"}'), schema, 'key "isOk" is missing (expected boolean)'],
  ['wrong type', bytes('{"t":"1","unit":"C","isOk":true}'), schema, 'key "t": expected number, got string'],
  ['null', bytes('{"t":null,"unit":"C","isOk":true}'), schema, 'key "t": expected number, got null'],
  ['array value', bytes('{"t":[1],"unit":"C","isOk":true}'), schema, 'key "t": expected number, got array'],
  ['infinite number', bytes('{"t":1e999,"unit":"C","isOk":true}'), schema, 'key "t": number out of range'],
  ['not JSON', bytes('t=1'), schema, 'payload is not valid JSON'],
  ['not UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), schema, 'payload is not valid UTF-8'],
  ['array payload', bytes('[1]'), schema, 'payload must be a JSON object, got an array'],
  ['null payload', bytes('null'), schema, 'payload must be a JSON object, got null'],
  ['number payload', bytes('3'), schema, 'payload must be a JSON object, got number'],
  [
    'hostile extra key is quoted and cut',
    bytes(`{"t":1,"unit":"C","isOk":true,"\\n${'k'.repeat(40)}":1}`),
    schema,
    `key ${JSON.stringify(`\n${'k'.repeat(31)}…`)} is not in the schema`,
  ],
  [
    '__proto__ key is an extra key',
    bytes('{"t":1,"unit":"C","isOk":true,"__proto__":{}}'),
    schema,
    'key "__proto__" is not in the schema',
  ],
];

for (const [name, payload, s, expected] of table) {
  test(`schema: ${name}`, () => {
    assert.is(checkPayloadSchema(payload, s), expected);
  });
}

test.run();
