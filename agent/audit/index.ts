/**
 * The audit trail's public surface: the store, the catalogue every module appends from, the
 * policy.denied aggregator, verification, evidence export and the shipper.
 */
export { type AuditKey, auditSigner, readAuditKey } from './audit-key.js';
export type { CborMap, CborValue } from './canonical-cbor.js';
export {
  AUDIT_CATALOGUE,
  type AuditEventName,
  type Category,
  catalogueProblem,
  type EventSpec,
  eventSpec,
  isCriticalEvent,
  type Nis2Relevance,
  type Severity,
} from './catalogue.js';
export {
  addDenial,
  DEFAULT_DENIAL_AGGREGATOR,
  type Denial,
  type DenialAggregatorOptions,
  type DenialState,
  type DenialSummary,
  denialEvent,
  drainDenials,
  EMPTY_DENIALS,
  flushDenials,
} from './denial-aggregator.js';
export {
  type FollowCursor,
  readAuditEntries,
  readAuditSegments,
  readAuditSince,
} from './dir-reader.js';
export { type DeviceIdentity, type EvidenceBody, type EvidenceReport, verifyEvidence } from './evidence.js';
export type { Nis2Summary, TimelineEntry } from './evidence-summary.js';
export { type EvidenceRequest, type EvidenceSource, exportEvidence } from './export.js';
export { SEGMENT_MAGIC } from './frame.js';
export type { AuditEventInput, AuditRecord, Outcome } from './record.js';
export {
  type AuditBatch,
  type AuditShipper,
  type AuditShipSource,
  type AuditUplink,
  auditTopic,
  createAuditShipper,
  decodeAuditBatch,
} from './shipper.js';
export { type OpenAuditLogOptions, openAuditLog } from './store.js';
export type { AuditLogOptions } from './store-options.js';
export type { AuditQuotaAlert } from './store-quota.js';
export type {
  AppendResult,
  AuditEvent,
  AuditLog,
  AuditSigner,
  AuditUsage,
  ChainHead,
  StoredRecord,
  TailCutReport,
} from './store-types.js';
export {
  type Anchor,
  type VerifyOptions,
  type VerifyProblem,
  type VerifyReport,
  verifyRecordBytes,
} from './verify.js';
export { type SegmentBytes, verifySegments } from './verify-segments.js';
