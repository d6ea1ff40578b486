import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type FrameToken, LineFramer } from '../../../modem/at/framer.js';

const lines = (toks: FrameToken[]): string[] => toks.map((t) => (t.kind === 'line' ? t.text : '<prompt>'));

function frame(chunks: Buffer[], isPromptExpected = false): string[] {
  const f = new LineFramer();
  return chunks.flatMap((c) => lines(f.push(c, isPromptExpected)));
}

const TRANSCRIPTS: Array<[string, string, string[]]> = [
  ['CR LF framing', '\r\n+CSQ: 17,99\r\n\r\nOK\r\n', ['+CSQ: 17,99', 'OK']],
  ['CR CR LF (SIMCom SIM800 in some modes)', '\r\r\n+CSQ: 17,99\r\r\n\r\r\nOK\r\r\n', ['+CSQ: 17,99', 'OK']],
  ['lone LF', '\n+CREG: 0,1\n\nOK\n', ['+CREG: 0,1', 'OK']],
  ['lone CR', '\r+CREG: 0,1\r\rOK\r', ['+CREG: 0,1', 'OK']],
  ['echo then answer', 'AT+CGMM\r\r\nEC25\r\n\r\nOK\r\n', ['AT+CGMM', 'EC25', 'OK']],
  ['blank lines and spaces', '\r\n   \r\n\r\n  OK  \r\n', ['OK']],
  [
    'multi-line ATI, Quectel EC25',
    '\r\nQuectel\r\nEC25\r\nRevision: EC25EFAR06A06M4G\r\n\r\nOK\r\n',
    ['Quectel', 'EC25', 'Revision: EC25EFAR06A06M4G', 'OK'],
  ],
];

for (const [name, input, want] of TRANSCRIPTS) {
  const bytes = Buffer.from(input, 'latin1');
  test(`framer ${name}: whole`, () => {
    assert.equal(frame([bytes]), want);
  });
  test(`framer ${name}: byte by byte`, () => {
    assert.equal(frame([...bytes].map((b) => Buffer.from([b]))), want);
  });
  test(`framer ${name}: random split points (property)`, () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, bytes.length - 1) }), { maxLength: 8 }),
        (cuts) => {
          const sorted = [...cuts].sort((a, b) => a - b);
          const parts: Buffer[] = [];
          let at = 0;
          for (const c of sorted) {
            parts.push(bytes.subarray(at, c));
            at = c;
          }
          parts.push(bytes.subarray(at));
          assert.equal(frame(parts), want);
        },
      ),
      { numRuns: 200 },
    );
  });
}

test('framer: bytes that are not UTF-8 become U+FFFD, the rest of the line survives', () => {
  const got = frame([Buffer.from([0xff, 0xfe, 0x4f, 0x4b, 0x0d, 0x0a])]);
  assert.equal(got, ['\uFFFD\uFFFDOK']);
});

test('framer: a UTF-8 character split across chunks is decoded whole', () => {
  const b = Buffer.from('+COPS: 0,0,"Télé2"\r\n', 'utf8');
  const i = b.indexOf(0xc3) + 1; // between the two bytes of é
  assert.equal(frame([b.subarray(0, i), b.subarray(i)]), ['+COPS: 0,0,"Télé2"']);
});

test('framer: NUL and other control bytes are dropped from a line', () => {
  assert.equal(frame([Buffer.from('O\x00K\x07\r\n', 'latin1')]), ['OK']);
});

test('framer: "> " prompt without newline is a prompt only while one is expected', () => {
  assert.equal(frame([Buffer.from('\r\n> ', 'latin1')], true), ['<prompt>']);
  const f = new LineFramer();
  assert.equal(lines(f.push(Buffer.from('\r\n> ', 'latin1'), false)), []);
  assert.is(f.pendingBytes, 2);
});

test('framer: prompt split across chunks ("\\r\\n>" then " ")', () => {
  const f = new LineFramer();
  assert.equal(lines(f.push(Buffer.from('\r\n>', 'latin1'), true)), ['<prompt>']);
  assert.equal(lines(f.push(Buffer.from(' ', 'latin1'), true)), []);
});

test('framer: a line longer than the limit is cut, memory stays bounded', () => {
  const f = new LineFramer(16);
  const got = lines(f.push(Buffer.from('A'.repeat(40), 'latin1')));
  assert.equal(got, ['A'.repeat(16), 'A'.repeat(16)]);
  assert.is(f.pendingBytes, 8);
});

test('framer: rejects a silly line limit at construction', () => {
  assert.throws(() => new LineFramer(2), /maxLineBytes/);
});

test.run();
