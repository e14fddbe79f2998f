/**
 * `run.shell`, `run.script` and `run.container` on a real engine (SQLite file) with real child
 * processes: refused unless the operator enables them; arguments are argv (a value holding `; rm`
 * stays one argument and runs nothing); the return modes; non-zero exit codes; stdin and environment;
 * the process runs in a journaled step.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefinitionRunner } from './definition-runner.js';
import { definition } from './test-stores.js';

const runner = new DefinitionRunner();
const dir = mkdtempSync(join(tmpdir(), 'baton-dsl-process-'));
const enabled = { allowShell: true, allowScript: true };
let scripts: Server;
let scriptsUrl: string;

beforeAll(async () => {
  scripts = createServer((request, response) => {
    if (request.url === '/hello.mjs') response.end('console.log("from a source " + process.argv[2]);');
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => scripts.listen(0, '127.0.0.1', resolve));
  scriptsUrl = `http://127.0.0.1:${(scripts.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await runner.close();
  await new Promise((resolve) => scripts.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('run.shell', () => {
  it('is refused with a configuration fault unless the worker allows it', async () => {
    const out = await runner.run(definition(`do: [ { list: { run: { shell: { command: 'ls' } } } } ]`), {}, { allowScript: true });
    expect(out.status).toBe('failed');
    expect(out.fault).toMatchObject({ type: expect.stringContaining('/configuration'), status: 400, instance: '/do/0/list' });
    expect(out.fault?.detail).toContain('run.shell is disabled');
    expect(out.fault?.detail).toContain('--allow-shell');
  });

  it('passes arguments as argv: a value with `; touch` stays one argument and runs nothing', async () => {
    const marker = join(dir, 'pwned');
    const out = await runner.run(
      definition(`
do:
  - echo:
      run:
        shell:
          command: 'for a in "$@"; do printf "[%s]\\n" "$a"; done'
          arguments: [ '\${ .name }', plain ]
`),
      { name: `x; touch ${marker}` },
      enabled,
    );
    expect(out.status).toBe('completed');
    expect(out.output).toBe(`[x; touch ${marker}]\n[plain]\n`);
    expect(existsSync(marker)).toBe(false);
    expect(out.steps).toEqual(['/do/0/echo shell']);
  });

  it('refuses a command that is a runtime expression: a command line is never built from data', async () => {
    const out = await runner.run(definition(`do: [ { bad: { run: { shell: { command: '\${ "echo " + .x }' } } } } ]`), { x: 'hi' }, enabled);
    expect(out.fault).toMatchObject({ status: 400 });
    expect(out.fault?.detail).toContain('never built from data');
  });

  it('returns stdout by default, and stderr, code, all and none when asked', async () => {
    const command = `printf out; printf err >&2; exit 3`;
    const modes = ['stderr', 'code', 'all', 'none'] as const;
    const outputs: Record<string, unknown> = {};
    for (const mode of modes) {
      const out = await runner.run(definition(`do: [ { p: { run: { return: ${mode}, shell: { command: '${command}' } } } } ]`), {}, enabled);
      outputs[mode] = out.status === 'completed' ? out.output : out.fault?.detail;
    }
    expect(outputs.code).toBe(3);
    expect(outputs.all).toEqual({ code: 3, stdout: 'out', stderr: 'err' });
    // With stderr and none the exit code is not part of the output: a non-zero one faults.
    expect(outputs.stderr).toContain('exited with code 3');
    expect(outputs.none).toContain('exited with code 3');
    const ok = await runner.run(definition(`do: [ { p: { run: { return: stderr, shell: { command: 'printf warn >&2' } } } } ]`), {}, enabled);
    expect(ok.output).toBe('warn');
    const none = await runner.run(definition(`do: [ { p: { run: { return: none, shell: { command: 'true' } } } } ]`), {}, enabled);
    expect(none.status).toBe('completed');
    expect(none.output).toBeNull();
  });

  it('a non-zero exit code with return stdout is a runtime fault with the code and stderr, which a try catches', async () => {
    const out = await runner.run(
      definition(`
do:
  - attempt:
      try:
        - fail:
            run:
              shell: { command: 'echo partial; echo "disk full" >&2; exit 7' }
      catch:
        as: failure
        do:
          - report:
              set: { status: '\${ $failure.status }', type: '\${ $failure.type }', detail: '\${ $failure.detail }', at: '\${ $failure.instance }' }
`),
      {},
      enabled,
    );
    expect(out.status).toBe('completed');
    const report = out.output as { status: number; type: string; detail: string; at: string };
    expect(report.status).toBe(500);
    expect(report.type).toContain('/runtime');
    expect(report.detail).toContain('exited with code 7');
    expect(report.detail).toContain('disk full');
    expect(report.at).toBe('/do/0/attempt/try/0/fail');
  });

  it('gives stdin and the environment, and none of the worker’s other variables', async () => {
    process.env.BATON_TEST_WORKER_SECRET = 'do-not-leak';
    try {
      const out = await runner.run(
        definition(`
do:
  - p:
      run:
        shell:
          command: 'read line; echo "$line/$GREETING/\${BATON_TEST_WORKER_SECRET:-unset}"'
          stdin: '\${ .text }'
          environment: { GREETING: '\${ .greeting }' }
`),
        { text: 'from stdin', greeting: 'hi' },
        enabled,
      );
      expect(out.output).toBe('from stdin/hi/unset\n');
    } finally {
      delete process.env.BATON_TEST_WORKER_SECRET;
    }
  });

  it('a task timeout stops the process, even when a try catches the timeout and the run goes on to wait', async () => {
    const pidFile = join(dir, 'sleeper.pid');
    const workflow = await runner.workflow(
      definition(`
do:
  - bounded:
      try:
        - slow:
            timeout: { after: { seconds: 1 } }
            run:
              shell: { command: 'echo $$ > "$1"; exec sleep 600', arguments: [ '${pidFile}' ] }
      catch:
        errors: { with: { status: 408 } }
  - later:
      call: baton.approval
      with: { title: Go on?, form: { type: object } }
`),
      enabled,
    );
    const engine = await runner.engine([workflow]);
    const { id } = await engine.client.start(workflow, {});
    await expect.poll(async () => (await engine.client.get(id))?.status, { timeout: 60_000 }).toBe('waiting');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await expect.poll(() => alive(pid), { timeout: 30_000 }).toBe(false);
  });

  it('await: false starts the process and outputs the task’s input', async () => {
    const marker = join(dir, 'detached');
    const out = await runner.run(
      definition(`do: [ { start: { run: { await: false, shell: { command: 'echo done > "$1"', arguments: [ '${marker}' ] } } } } ]`),
      { kept: 1 },
      enabled,
    );
    expect(out.output).toEqual({ kept: 1 });
    await expect.poll(() => existsSync(marker) && readFileSync(marker, 'utf8'), { timeout: 30_000 }).toBe('done\n');
  });
});

describe('run.script', () => {
  it('is refused with a configuration fault unless the worker allows it', async () => {
    const out = await runner.run(definition(`do: [ { s: { run: { script: { language: js, code: 'console.log(1)' } } } } ]`), {}, { allowShell: true });
    expect(out.fault?.detail).toContain('run.script is disabled');
    expect(out.fault?.detail).toContain('--allow-script');
  });

  it('runs js on Node with argv as the spec’s example reads it, and its environment', async () => {
    const out = await runner.run(
      definition(`
do:
  - s:
      run:
        return: all
        script:
          language: js
          arguments: [ '\${ .a }', 'b; rm -rf /' ]
          environment: { WHO: node }
          code: |
            const [, , first, second] = process.argv;
            console.log(JSON.stringify({ first, second, who: process.env.WHO }));
            process.exitCode = 2;
`),
      { a: 'one' },
      enabled,
    );
    const all = out.output as { code: number; stdout: string; stderr: string };
    expect(all.code).toBe(2);
    expect(JSON.parse(all.stdout)).toEqual({ first: 'one', second: 'b; rm -rf /', who: 'node' });
  });

  it('reads the code from source.endpoint over HTTP', async () => {
    const out = await runner.run(
      definition(`do: [ { s: { run: { script: { language: js, arguments: [ x ], source: { endpoint: '${scriptsUrl}/hello.mjs' } } } } } ]`),
      {},
      enabled,
    );
    expect(out.output).toBe('from a source x\n');
  });

  it.skipIf(!hasPython())('runs python on python3', async () => {
    const out = await runner.run(
      definition(`do: [ { s: { run: { script: { language: python, arguments: [ '\${ .n }' ], code: 'import sys; print(int(sys.argv[1]) * 2)' } } } } ]`),
      { n: 21 },
      enabled,
    );
    expect(out.output).toBe('42\n');
  });

  it('an unknown language is a configuration fault', async () => {
    const out = await runner.run(definition(`do: [ { s: { run: { script: { language: cobol, code: 'x' } } } } ]`), {}, enabled);
    expect(out.fault?.detail).toContain("'cobol'");
  });
});

describe('run.container', () => {
  it('is not supported, and says what to use instead', async () => {
    const out = await runner.run(definition(`do: [ { c: { run: { container: { image: alpine } } } } ]`), {}, enabled);
    expect(out.fault).toMatchObject({ status: 400, instance: '/do/0/c' });
    expect(out.fault?.detail).toContain('Baton does not run containers');
    expect(out.fault?.detail).toContain('run.shell');
  });
});
