/**
 * Framing throughput: LineFramer (ours: CR/LF/CR CR LF, prompt, bad UTF-8) against
 * @serialport/parser-readline (the peer: one delimiter) on the same bytes, in the same run.
 */
import { ReadlineParser } from '@serialport/parser-readline';
import { LineFramer } from '../../modem/at/framer.js';

const CHUNK_BYTES = 64; // a USB CDC read is often this small
const ROUNDS = 3;
const LINES = [
  '+CSQ: 21,99',
  'OK',
  '+CEREG: 2,1,"3193","8F381C5",7',
  '+QENG: "servingcell","NOCONN","LTE","FDD",262,01,8F381C5,187,6300,20,5,5,3193,-98,-13,-70,11,21',
  '+CREG: 5',
];

function corpus(totalBytes: number): Buffer {
  const parts: string[] = [];
  let n = 0;
  for (let i = 0; n < totalBytes; i++) {
    const l = `\r\n${LINES[i % LINES.length]}\r\n`;
    parts.push(l);
    n += l.length;
  }
  return Buffer.from(parts.join(''), 'latin1');
}

export interface FramingResult {
  readonly bytes: number;
  readonly ours: { linesPerS: number; lines: number };
  readonly peer: { linesPerS: number; lines: number };
}

function timeIt(run: () => number): { lines: number; seconds: number } {
  const t0 = process.hrtime.bigint();
  const lines = run();
  return { lines, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

export function benchFraming(totalBytes = 32 * 1024 * 1024): FramingResult {
  const data = corpus(totalBytes);
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += CHUNK_BYTES) chunks.push(data.subarray(i, i + CHUNK_BYTES));
  const runOurs = () =>
    timeIt(() => {
      const f = new LineFramer();
      let n = 0;
      for (const c of chunks) n += f.push(c).length;
      return n;
    });
  const runPeer = () =>
    timeIt(() => {
      const p = new ReadlineParser({ delimiter: '\r\n' });
      let n = 0;
      p.on('data', (line: string) => {
        if (line !== '') n++;
      });
      for (const c of chunks) p.write(c);
      return n;
    });
  // Interleaved rounds, best of each, so a busy moment does not favour either side.
  const best = (a: { lines: number; seconds: number }, b: { lines: number; seconds: number }) =>
    a.seconds <= b.seconds ? a : b;
  let ours = runOurs();
  let peer = runPeer();
  for (let round = 1; round < ROUNDS; round++) {
    ours = best(ours, runOurs());
    peer = best(peer, runPeer());
  }
  return {
    bytes: data.length,
    ours: { lines: ours.lines, linesPerS: ours.lines / ours.seconds },
    peer: { lines: peer.lines, linesPerS: peer.lines / peer.seconds },
  };
}
