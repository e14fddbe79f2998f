/**
 * The engine id: what names an engine in the leases it holds (`lease_owner`). Its one format, made
 * and parsed here only:
 *
 *     <host>:<pid>:<boot id>:<pid namespace>:<process start>:<random suffix>
 *
 * `host` is the host name (it may itself hold ':'; the other five fields never do, so an id is parsed
 * from the right). `boot id` (Linux's /proc/sys/kernel/random/boot_id, without dashes) tells this
 * machine's current boot from another machine that happens to share its host name (and from its own
 * earlier boots); `pid namespace` (the inode of /proc/self/ns/pid) and `process start` (the process's
 * start time in clock ticks since boot, /proc/<pid>/stat field 22) tell a process from a later one that
 * got the same pid, and two containers that share a host name from each other; where the platform does
 * not show them they are '-'. Ids given by the application (EngineOptions.id) need not follow this
 * format; such an engine's leases are simply never recognised as a local process's.
 */

export interface EngineIdentity {
  host: string;
  pid: number;
  /** The machine's boot id (32 hex digits), if known: another boot, or another machine, differs. */
  boot: string | undefined;
  /** Identifies the pid namespace the pid belongs to, if known. */
  pidNamespace: string | undefined;
  /** The process's start time (kernel clock ticks since boot), if known. */
  processStart: string | undefined;
  suffix: string;
}

const UNKNOWN = '-';
const FIELD = /^[A-Za-z0-9]+$/;

export function formatEngineId(identity: EngineIdentity): string {
  const { host, pid, boot, pidNamespace, processStart, suffix } = identity;
  return [host, String(pid), boot ?? UNKNOWN, pidNamespace ?? UNKNOWN, processStart ?? UNKNOWN, suffix].join(':');
}

/** The parts of an id made by formatEngineId; undefined for anything else (an application's own id). */
export function parseEngineId(id: string): EngineIdentity | undefined {
  const fields = id.split(':');
  if (fields.length < 6) return undefined;
  const [pidText, bootText, pidNamespace, processStart, suffix] = fields.slice(-5) as [string, string, string, string, string];
  const host = fields.slice(0, -5).join(':');
  if (host.length === 0 || !/^[1-9]\d{0,9}$/.test(pidText) || !FIELD.test(suffix)) return undefined;
  const optional = (text: string, pattern: RegExp): string | undefined | false => (text === UNKNOWN ? undefined : pattern.test(text) ? text : false);
  const boot = optional(bootText, /^[0-9a-f]{32}$/);
  const namespace = optional(pidNamespace, /^\d{1,20}$/);
  const start = optional(processStart, /^\d{1,20}$/);
  if (boot === false || namespace === false || start === false) return undefined;
  return { host, pid: Number(pidText), boot, pidNamespace: namespace, processStart: start, suffix };
}
