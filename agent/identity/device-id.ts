/**
 * What a device id may be. The id is the certificate's subject CN, the broker username
 * (`use_identity_as_username`) and one MQTT topic level (`ztgw/<deviceId>/#`), so it must not carry
 * topic separators or wildcards (`/`, `+`, `#`), spaces or control characters. Ids starting with
 * `ops-` are kept for operator identities (the cloud subscriber's ACL grants fleet-wide reads), so a
 * device can never be issued one.
 */

/** Letters, digits, `.`, `_`, `-`; first character a letter or digit; 1..64 characters. */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Prefix reserved for operator client certificates (`ops-cloud`). */
export const OPERATOR_ID_PREFIX = 'ops-';

/** Null when `id` is a valid device id, else the reason. Pure. */
export function deviceIdProblem(id: string): string | null {
  if (id === '') return 'device id is empty';
  if (!DEVICE_ID_PATTERN.test(id))
    return `device id ${JSON.stringify(id)} must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit`;
  if (id.toLowerCase().startsWith(OPERATOR_ID_PREFIX))
    return `device id ${JSON.stringify(id)} starts with "${OPERATOR_ID_PREFIX}", which is kept for operator identities`;
  return null;
}
