/**
 * The side-effect log the crash workflows write: one JSON line per step event, appended with one
 * write(2) so it survives SIGKILL of the writer. Tests read it to see what really ran, where and how often.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

export interface SideEffect {
  /** `begin` before the step's work, `end` when it returns, `aborted` when its signal fired. */
  ev: 'begin' | 'end' | 'aborted';
  runId: string;
  step: string;
  attempt: number;
  idempotencyKey: string;
  pid: number;
  /** Names the workflow execution (each claim replays the body anew) that ran the attempt. */
  exec?: string;
  /** Wall-clock time of the event (ms since the epoch). */
  at: number;
  /** The value the attempt returned (on `end`): which attempt's result the journal kept. */
  token?: string;
}

export function appendSideEffect(path: string, effect: SideEffect): void {
  appendFileSync(path, `${JSON.stringify(effect)}\n`);
}

export interface SideEffectLog {
  effects: SideEffect[];
  /** Lines that did not parse (a torn write would show up here). */
  torn: number;
}

export function readSideEffects(path: string): SideEffectLog {
  if (!existsSync(path)) return { effects: [], torn: 0 };
  const effects: SideEffect[] = [];
  let torn = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.length === 0) continue;
    try {
      effects.push(JSON.parse(line) as SideEffect);
    } catch {
      torn++;
    }
  }
  return { effects, torn };
}

/** Effects grouped by `runId` and step name. */
export function byStep(effects: SideEffect[]): Map<string, SideEffect[]> {
  const groups = new Map<string, SideEffect[]>();
  for (const e of effects) {
    const key = `${e.runId}/${e.step}`;
    const group = groups.get(key) ?? [];
    group.push(e);
    groups.set(key, group);
  }
  return groups;
}
