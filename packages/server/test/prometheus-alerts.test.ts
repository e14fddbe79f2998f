/**
 * docs/prometheus-alerts.yml: every rule's expression names only metrics that Baton exports at
 * GET /metrics (an engine in the process, so its counters and histograms are there too), and the
 * file is valid Prometheus rules (promtool check rules, where promtool is installed).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, defineWorkflow, silentLogger } from '@baton/core';
import { SqliteStore } from '@baton/sqlite';
import { createApp } from '@baton/server';

const FILE = fileURLToPath(new URL('../../../docs/prometheus-alerts.yml', import.meta.url));

interface RulesFile {
  groups: { name: string; rules: { alert: string; expr: string; labels?: { severity?: string }; annotations?: Record<string, string> }[] }[];
}

let dir: string;
let store: SqliteStore;
let engine: Engine;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-prom-rules-'));
  store = new SqliteStore({ path: join(dir, 'baton.db') });
  const ok = defineWorkflow({ name: 'ok' }, async (ctx) => ctx.step('s', () => 1));
  engine = new Engine({ store, workflows: [ok], logger: silentLogger, pollIntervalMs: 20 });
  await engine.start();
  await (await engine.client.start(ok, undefined)).result();
});

afterAll(async () => {
  await engine.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The series names of a Prometheus text exposition (histograms give _bucket, _sum and _count). */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const match = /^# TYPE (\S+) (\S+)/.exec(line);
    if (match === null) continue;
    names.add(match[1]!);
    if (match[2] === 'histogram' || match[2] === 'summary') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${match[1]}${suffix}`);
  }
  return names;
}

describe('docs/prometheus-alerts.yml', () => {
  it('names only metrics Baton exports, and each rule says how urgent it is and what to do', async () => {
    const app = createApp({ client: engine.client, store, auth: false, metrics: { engine } });
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    const exported = exportedNames(await res.text());
    expect(exported.has('baton_runs_failed_total')).toBe(true);

    const rules = (parse(readFileSync(FILE, 'utf8')) as RulesFile).groups.flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThanOrEqual(6);
    for (const rule of rules) {
      const named = rule.expr.match(/\bbaton_[a-z_]+\b/g) ?? [];
      expect(named.length, rule.alert).toBeGreaterThan(0);
      for (const name of named) expect(exported.has(name), `${rule.alert} names ${name}, which /metrics does not export`).toBe(true);
      expect(['info', 'warning', 'critical']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
    }
  });

  it('is a valid Prometheus rules file (promtool check rules)', () => {
    let promtool = true;
    try {
      execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    } catch {
      promtool = false;
    }
    if (!promtool) {
      if (process.env.CI === 'true')
        throw new Error('promtool is not installed; CI needs it to check docs/prometheus-alerts.yml (apt-get install prometheus).');
      console.warn('[baton] skipping promtool check rules: promtool is not installed (apt-get install prometheus).');
      return;
    }
    const out = execFileSync('promtool', ['check', 'rules', FILE], { encoding: 'utf8' });
    expect(out).toContain('SUCCESS');
  });
});
