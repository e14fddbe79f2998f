/**
 * What an engine can learn about processes on its own host: its own identity (for its engine id) and
 * whether the process that an engine id names is gone. Reads Linux's /proc where it exists; elsewhere
 * only the pid is known, and a process counts as gone only when no process has its pid.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import type { EngineIdentity } from './engine-id.js';

/** This process's identity, with `suffix` telling apart engines of one process. */
export function localIdentity(suffix: string): EngineIdentity {
  return { host: hostname(), pid: process.pid, boot: bootId(), pidNamespace: pidNamespace(), processStart: processStart(process.pid), suffix };
}

/**
 * True only when the process `identity` names certainly no longer exists: it was started on this host
 * in its current boot (same name, same boot id, same pid namespace: machines that share a host name
 * differ in boot id), and either no process has its pid, or the one that has it now
 * started at another time (the pid was reused). Anything uncertain counts as alive.
 */
export function isLocalProcessGone(identity: EngineIdentity): boolean {
  if (identity.host !== hostname() || identity.boot !== bootId()) return false;
  const namespace = pidNamespace();
  if (identity.pidNamespace !== namespace) return false;
  if (identity.pid === process.pid) return identity.processStart !== undefined && identity.processStart !== processStart(process.pid);
  try {
    process.kill(identity.pid, 0);
  } catch (error) {
    // ESRCH: no such process. EPERM: it exists under another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  if (identity.processStart === undefined) return false;
  const now = processStart(identity.pid);
  return now !== undefined && now !== identity.processStart;
}

/** Linux's id of the current boot of this machine (shared by its containers), as 32 hex digits. */
function bootId(): string | undefined {
  try {
    const id = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().replace(/-/g, '').toLowerCase();
    return /^[0-9a-f]{32}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

function pidNamespace(): string | undefined {
  try {
    const link = readlinkSync('/proc/self/ns/pid'); // 'pid:[4026531836]'
    return /^pid:\[(\d+)\]$/.exec(link)?.[1];
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces and ')' so it is skipped from the last ')'. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = rest[19]; // fields 3.. follow the name: field 22 is the 20th of them
    return start !== undefined && /^\d+$/.test(start) ? start : undefined;
  } catch {
    return undefined;
  }
}
