/**
 * The file-mode rule for secrets, pure over what `lstat` reported: a key is a regular file owned by
 * the running user with no access for group or others (0600 or stricter), its directory likewise
 * (0700 or stricter). Symlinks are refused, so a key cannot be redirected to a file elsewhere.
 */

/** The facts of one `lstat`. */
export interface FileFacts {
  /** `st_mode`, type bits included. */
  readonly mode: number;
  readonly uid: number;
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly isSymbolicLink: boolean;
}

export interface ModeRule {
  readonly kind: 'file' | 'directory';
  /** Most permissive mode allowed, e.g. 0o600; any bit beyond it (setuid, group, other) is refused. */
  readonly mode: number;
  /** The running user's uid; the file must be theirs. */
  readonly uid: number;
}

/** `0644`-style text. */
export const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0');

/**
 * Null when `facts` satisfy `rule`, else the message naming the path, what was found and what is
 * expected: "/var/lib/ztgw/keys/device.key has mode 0644, expected 0600".
 */
export function modeProblem(path: string, facts: FileFacts, rule: ModeRule): string | null {
  if (facts.isSymbolicLink) return `${path} is a symbolic link, expected a ${rule.kind} of its own`;
  if (rule.kind === 'file' && !facts.isFile) return `${path} is not a regular file`;
  if (rule.kind === 'directory' && !facts.isDirectory) return `${path} is not a directory`;
  if (facts.uid !== rule.uid)
    return `${path} is owned by uid ${facts.uid}, expected uid ${rule.uid} (the running user)`;
  const perm = facts.mode & 0o7777;
  const ownerNeeds = rule.kind === 'file' ? 0o400 : 0o700;
  if ((perm & ~rule.mode) !== 0 || (perm & ownerNeeds) !== ownerNeeds)
    return `${path} has mode ${octal(perm)}, expected ${octal(rule.mode)}`;
  return null;
}
