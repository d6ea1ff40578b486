/**
 * The rig's mosquitto configuration, ACL file and OpenSSL configuration, as text. Pure.
 *
 * mosquitto 2.0's `tls_version` is a *minimum* (it only sets SSL_OP_NO_* below it), so pinning one
 * version also needs an upper bound: that comes from an OpenSSL configuration file handed to the
 * broker process through OPENSSL_CONF (`MaxProtocol`, applied by libssl to every new SSL_CTX).
 * TLS 1.1 needs SHA-1 based handshake signatures, which OpenSSL 3 allows only at security level 0.
 */

export type TlsVersion = 'tlsv1.1' | 'tlsv1.2' | 'tlsv1.3';

/** What an operator identity may read and write, as mosquitto ACL topics. */
export interface OperatorAcl {
  readonly user: string;
  readonly read: readonly string[];
  readonly write: readonly string[];
}

/** The cloud subscriber: reads every device's up/ topics, writes every device's down/ topics. */
export const OPS_CLOUD_ACL: OperatorAcl = {
  user: 'ops-cloud',
  read: ['ztgw/+/up/#'],
  write: ['ztgw/+/down/#'],
};

export interface MosquittoConfigInput {
  readonly port: number;
  /** Address to bind; the rig always uses loopback. */
  readonly bindAddress: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly aclFile: string;
  readonly logFile: string;
  readonly tlsVersion: TlsVersion | null;
  /** Set `user root`: as root, mosquitto otherwise drops to the `mosquitto` user and cannot read a 0700 PKI. */
  readonly isRoot: boolean;
  /** Where to keep sessions across restarts (a directory, with its trailing slash); null: none. */
  readonly persistenceDir: string | null;
}

/** Paths in mosquitto.conf end at the line end; a newline in one would inject a directive. */
function path(p: string): string {
  if (/[\r\n]/.test(p)) throw new TypeError(`path ${JSON.stringify(p)} contains a line break`);
  return p;
}

/** mosquitto.conf for one mTLS listener with identity-as-username and an ACL file. */
export function mosquittoConfig(c: MosquittoConfigInput): string {
  const lines = [
    '# ztgw HIL broker: one mTLS listener, the certificate CN is the username, ACL by CN',
    ...(c.isRoot ? ['user root'] : []),
    'per_listener_settings false',
    ...(c.persistenceDir === null
      ? ['persistence false']
      : ['persistence true', `persistence_location ${path(c.persistenceDir)}`]),
    'allow_anonymous false',
    `acl_file ${path(c.aclFile)}`,
    `log_dest file ${path(c.logFile)}`,
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    'log_type subscribe',
    'log_type unsubscribe',
    'connection_messages true',
    'log_timestamp true',
    'log_timestamp_format %Y-%m-%dT%H:%M:%S',
    `listener ${c.port} ${c.bindAddress}`,
    `cafile ${path(c.caFile)}`,
    `certfile ${path(c.certFile)}`,
    `keyfile ${path(c.keyFile)}`,
    'require_certificate true',
    'use_identity_as_username true',
    ...(c.tlsVersion === null ? [] : [`tls_version ${c.tlsVersion}`]),
    ...(c.tlsVersion === 'tlsv1.1' ? ['ciphers DEFAULT@SECLEVEL=0'] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * The ACL: every device confined to `ztgw/<its CN>/#` (`%u` is the username, i.e. the CN), then
 * one section per operator identity. Pattern lines apply to every user (mosquitto.conf(5),
 * acl_file).
 */
export function aclFile(operators: readonly OperatorAcl[]): string {
  const lines = ['# devices: only their own prefix', 'pattern readwrite ztgw/%u/#'];
  for (const op of operators) {
    if (!/^[A-Za-z0-9._-]+$/.test(op.user))
      throw new TypeError(`ACL user ${JSON.stringify(op.user)} is not a plain name`);
    lines.push('', `user ${op.user}`);
    for (const t of op.read) lines.push(`topic read ${path(t)}`);
    for (const t of op.write) lines.push(`topic write ${path(t)}`);
  }
  return `${lines.join('\n')}\n`;
}

const OPENSSL_VERSION: Record<TlsVersion, string> = {
  'tlsv1.1': 'TLSv1.1',
  'tlsv1.2': 'TLSv1.2',
  'tlsv1.3': 'TLSv1.3',
};

/** An OpenSSL configuration pinning the broker to exactly `v`. */
export function opensslPinConfig(v: TlsVersion): string {
  const name = OPENSSL_VERSION[v];
  return [
    'openssl_conf = ztgw_rig',
    '[ztgw_rig]',
    'ssl_conf = ztgw_rig_ssl',
    '[ztgw_rig_ssl]',
    'system_default = ztgw_rig_tls',
    '[ztgw_rig_tls]',
    `MinProtocol = ${name}`,
    `MaxProtocol = ${name}`,
    ...(v === 'tlsv1.1' ? ['CipherString = DEFAULT@SECLEVEL=0'] : []),
    '',
  ].join('\n');
}

/** Node tls options for a client that speaks exactly `v` (null: Node's defaults, TLS 1.2 and 1.3). */
export function tlsClientVersionOptions(v: TlsVersion | null): {
  minVersion?: 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  ciphers?: string;
} {
  if (v === null) return {};
  const name = v === 'tlsv1.1' ? 'TLSv1.1' : v === 'tlsv1.2' ? 'TLSv1.2' : 'TLSv1.3';
  return {
    minVersion: name,
    maxVersion: name,
    ...(v === 'tlsv1.1' ? { ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
  };
}
