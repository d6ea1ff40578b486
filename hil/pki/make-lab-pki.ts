/**
 * The lab PKI for the HIL rig, built with the project's own identity code (the same calls an
 * operator and a device make), written as files:
 *
 *   <dir>/ca/ca.{key,crt}                   the lab CA (what the broker and the devices trust)
 *   <dir>/broker/server.{key,crt}           broker cert: CN localhost, SAN localhost, 127.0.0.1, ::1
 *   <dir>/devices/<id>/device.{key,crt}     per device, key made by ensureDeviceKey, CSR bound to ICCID/IMEI
 *   <dir>/devices/gw-expired/…              a device whose certificate expired long ago
 *   <dir>/ops/ops-cloud.{key,crt}           the operator/cloud subscriber (clientAuth, CN ops-cloud)
 *   <dir>/other-ca/ca.{key,crt}             an unrelated CA …
 *   <dir>/other-ca/server.{key,crt}         … its broker cert ("broker cert from another CA")
 *   <dir>/other-ca/rogue-<id>/device.*      … and a client cert with a lab device's CN ("client from another CA")
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createCsr,
  ensureDeviceKey,
  initCa,
  issueClientCert,
  issueServerCert,
  KEY_FILES,
  signCsr,
  writeCertificate,
} from '../../agent/identity/index.js';
import { writeFileDurable } from '../../agent/store/durable-file.js';

const DAY_MS = 86_400_000;

export interface LabDevice {
  readonly deviceId: string;
  readonly iccid: string;
  readonly imei: string;
  /** The device's keys directory (0700), laid out as on a gateway. */
  readonly keysDir: string;
  readonly keyFile: string;
  readonly certFile: string;
}

export interface KeyPairFiles {
  readonly keyFile: string;
  readonly certFile: string;
}

export interface LabPki {
  readonly dir: string;
  /** The lab CA's directory (for `ztgw ops ca sign --dir`) and certificate. */
  readonly caDir: string;
  readonly caFile: string;
  readonly broker: KeyPairFiles;
  readonly devices: Readonly<Record<string, LabDevice>>;
  readonly expiredDevice: LabDevice;
  readonly opsCloud: KeyPairFiles & { readonly commonName: 'ops-cloud' };
  readonly otherCaDir: string;
  readonly otherCaFile: string;
  readonly otherBroker: KeyPairFiles;
  /** A client cert from the other CA whose CN is the first lab device's id. */
  readonly rogueDevice: KeyPairFiles & { readonly deviceId: string };
}

export interface LabPkiOptions {
  readonly deviceIds: readonly string[];
  /** ICCID/IMEI per device; default a distinct Luhn-valid pair per device. */
  readonly bindings?: Readonly<Record<string, { readonly iccid: string; readonly imei: string }>>;
  /** Wall clock in ms; default the system clock. */
  readonly nowMs?: number;
  /** Lifetime of the device, broker and operator certificates, in days; default 30. */
  readonly validityDays?: number;
}

/** `digits` followed by its Luhn check digit (ICCID: ITU-T E.118; IMEI: 3GPP TS 23.003 Annex B). */
export function withLuhn(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return `${digits}${(10 - (sum % 10)) % 10}`;
}

/** A distinct, well-formed test binding for the n-th lab device (ICCID 19 digits, IMEI 15). */
export function labBinding(n: number): { iccid: string; imei: string } {
  const k = String(n).padStart(4, '0');
  return { iccid: withLuhn(`89990010000000${k}`), imei: withLuhn(`3569380000${k}`) };
}

async function writePair(dir: string, name: string, pair: { keyPem: string; certPem: string }) {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.crt`);
  await writeFileDurable(keyFile, pair.keyPem, 0o600);
  await writeFileDurable(certFile, pair.certPem, 0o644);
  return { keyFile, certFile };
}

async function enrollDevice(
  caDir: string,
  keysDir: string,
  deviceId: string,
  binding: { iccid: string; imei: string },
  validity: { validityDays: number; nowMs: number; notBeforeMs?: number },
): Promise<LabDevice> {
  const { privateKey } = await ensureDeviceKey(keysDir);
  const csr = createCsr({ deviceId, ...binding }, privateKey);
  await writeCertificate(keysDir, KEY_FILES.deviceCert, await signCsr(caDir, csr, validity));
  return {
    deviceId,
    ...binding,
    keysDir,
    keyFile: join(keysDir, KEY_FILES.deviceKey),
    certFile: join(keysDir, KEY_FILES.deviceCert),
  };
}

/** Builds the whole lab PKI under `dir` (created when missing; must not hold a lab PKI already). */
export async function makeLabPki(dir: string, opts: LabPkiOptions): Promise<LabPki> {
  const first = opts.deviceIds[0];
  if (first === undefined) throw new TypeError('makeLabPki needs at least one device id');
  const nowMs = opts.nowMs ?? Date.now();
  const validityDays = opts.validityDays ?? 30;
  const caDir = join(dir, 'ca');
  const otherCaDir = join(dir, 'other-ca');
  await initCa(caDir, { name: 'ztgw lab CA', validityDays: 3650, nowMs });
  await initCa(otherCaDir, { name: 'unrelated CA', validityDays: 3650, nowMs });

  const serverNames = { commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'] };
  const brokerDir = join(dir, 'broker');
  const opsDir = join(dir, 'ops');
  await mkdir(brokerDir, { recursive: true, mode: 0o700 });
  await mkdir(opsDir, { recursive: true, mode: 0o700 });
  const broker = await writePair(
    brokerDir,
    'server',
    await issueServerCert(caDir, { ...serverNames, validityDays, nowMs }),
  );
  const otherBroker = await writePair(
    otherCaDir,
    'server',
    await issueServerCert(otherCaDir, { ...serverNames, validityDays, nowMs }),
  );

  const devices: Record<string, LabDevice> = {};
  for (const [i, id] of opts.deviceIds.entries()) {
    const binding = opts.bindings?.[id] ?? labBinding(i + 1);
    devices[id] = await enrollDevice(caDir, join(dir, 'devices', id), id, binding, { validityDays, nowMs });
  }
  const expiredDevice = await enrollDevice(
    caDir,
    join(dir, 'devices', 'gw-expired'),
    'gw-expired',
    labBinding(9999),
    { validityDays: 1, nowMs, notBeforeMs: nowMs - 30 * DAY_MS },
  );

  const opsCloud = await writePair(
    opsDir,
    'ops-cloud',
    await issueClientCert(caDir, { commonName: 'ops-cloud', validityDays, nowMs }),
  );
  // Same CN as a lab device, signed by the unrelated CA: the broker must refuse it for its issuer.
  const rogueKeys = join(otherCaDir, `rogue-${first}`);
  const rogue = await enrollDevice(otherCaDir, rogueKeys, first, labBinding(1), { validityDays, nowMs });

  return {
    dir,
    caDir,
    caFile: join(caDir, 'ca.crt'),
    broker,
    devices,
    expiredDevice,
    opsCloud: { ...opsCloud, commonName: 'ops-cloud' },
    otherCaDir,
    otherCaFile: join(otherCaDir, 'ca.crt'),
    otherBroker,
    rogueDevice: { keyFile: rogue.keyFile, certFile: rogue.certFile, deviceId: first },
  };
}
