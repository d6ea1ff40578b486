/**
 * The journal (agent/queue): readings, alerts and audit records on flash, durable before anyone is
 * told they are kept, forwarded in order, deleted once the uplink acknowledged them.
 *
 *   dir/            0700, locked by one process (`lock`)
 *     cursor.json   per lane: ackedThrough and lastSeq, written durably, coalesced
 *     alert/ audit/ telemetry/   a chain of segments each: 000001.seg, 000002.seg, …
 *
 * Segments use the audit trail's framing (u32 length | u32 CRC-32 | payload) under the header
 * "ZTGWJRN\x01"; a record is u64 seq | f64 atMs | payload (journal-record.ts).
 */
export { CURSOR_FILE } from './cursor.js';
export { classifyDiskError } from './journal-errors.js';
export { type JournalIo, NODE_JOURNAL_IO } from './journal-io.js';
export { JOURNAL_MAGIC, RECORD_OVERHEAD_BYTES } from './journal-record.js';
export {
  type DiskReason,
  JOURNAL_DEFAULTS,
  type Journal,
  type JournalOpenReport,
  type JournalOptions,
  type JournalRecord,
  type JournalStats,
  LANES,
  type Lane,
  type LaneOpenReport,
  type LaneStats,
  type SetAsideReport,
  type TailCutReport,
  type UnavailableReason,
} from './journal-types.js';
export { openJournal, resolveJournalOptions } from './open-journal.js';
