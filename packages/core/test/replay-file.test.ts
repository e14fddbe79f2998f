/** The replay file: written and read back unchanged; redaction keeps shape and types; a bad file is refused by name, never a crash. */
import { describe, expect, it } from 'vitest';
import { REDACTED, defaultPayloadCodec, parseReplayFile, replayFileOf, replayInputOf, type JournalEntry, type RunRecord } from '@baton/core';

const codec = defaultPayloadCodec;
const run: RunRecord = {
  id: 'r1',
  workflow: 'approval',
  version: '1',
  status: 'failed',
  input: codec.encode({ customer: 'Ada', amount: 250, vip: true, when: new Date(Date.UTC(2030, 0, 1)), tags: ['a', 'b'], big: 7n }),
  error: { name: 'Error', message: 'card 4242 declined', code: 'BATON_STEP_FAILED', encoded: codec.encode(new Error('card 4242 declined')) },
  queue: 'default',
  priority: 0,
  cancelRequested: false,
  phase: 'body',
  claims: 1,
  leaseOwner: 'engine-1',
  leaseExpiresAt: 5,
  namespace: 'default',
  tags: [],
  createdAt: 1,
  updatedAt: 2,
};
const journal: JournalEntry[] = [
  {
    runId: 'r1',
    seq: 1,
    kind: 'step',
    name: 'extract',
    status: 'completed',
    output: codec.encode({ name: 'Ada', n: 3 }),
    attempts: 1,
    startedAt: 1,
    endedAt: 2,
  },
  {
    runId: 'r1',
    seq: 2,
    kind: 'signal',
    name: 'decision',
    status: 'completed',
    output: codec.encode({ approved: false, note: 'no' }),
    attempts: 1,
    startedAt: 2,
    endedAt: 2,
  },
];

describe('replay file', () => {
  it('round-trips a run and its journal, without the lease', () => {
    const file = replayFileOf({ run, journal }, { exportedAt: new Date(0), bakedWith: '0.1.0' });
    expect(file).toMatchObject({ format: 'baton.replay/1', exportedAt: '1970-01-01T00:00:00.000Z', bakedWith: '0.1.0' });
    expect(file.run).not.toHaveProperty('leaseOwner');
    const back = replayInputOf(parseReplayFile(JSON.stringify(file)));
    const { leaseOwner: _o, leaseExpiresAt: _e, ...stored } = run;
    expect(back).toEqual({ run: stored, journal });
  });

  it('redacts values but keeps their shape and types', () => {
    const file = parseReplayFile(JSON.stringify(replayFileOf({ run, journal }, { redact: true })));
    expect(file.redacted).toBe(true);
    expect(codec.decode(file.run.input)).toEqual({ customer: REDACTED, amount: 0, vip: true, when: new Date(0), tags: [REDACTED, REDACTED], big: 0n });
    expect(codec.decode(file.journal[0]!.output)).toEqual({ name: REDACTED, n: 0 });
    expect(codec.decode(file.journal[1]!.output)).toEqual({ approved: false, note: REDACTED });
    expect(file.run.error).toMatchObject({ name: 'Error', message: REDACTED, code: 'BATON_STEP_FAILED' });
    const error = codec.decode(file.run.error!.encoded) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe(REDACTED);
    expect(JSON.stringify(file)).not.toMatch(/Ada|4242/);
  });

  it('refuses what is not a replay file with BATON_INVALID_REPLAY_FILE naming the file and the problem', () => {
    const good = replayFileOf({ run, journal });
    const cases: [string, RegExp][] = [
      ['{"format":', /it is not JSON/],
      ['[]', /it is not a JSON object/],
      [JSON.stringify({ ...good, format: 'baton.replay/9' }), /its format is "baton.replay\/9"/],
      [JSON.stringify({ ...good, run: { ...good.run, status: 'sleeping' } }), /at run\.status/],
      [JSON.stringify({ ...good, journal: [{ ...good.journal[0], seq: 'one' }] }), /at journal\.0\.seq/],
      [JSON.stringify({ ...good, journal: [...good.journal].reverse() }), /out of order at position 1/],
    ];
    for (const [text, problem] of cases) {
      let thrown: unknown;
      try {
        parseReplayFile(text, 'runs/r1.json');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ code: 'BATON_INVALID_REPLAY_FILE', details: { file: 'runs/r1.json' } });
      expect((thrown as Error).message).toMatch(/^runs\/r1\.json is not a replay file: /);
      expect((thrown as Error).message).toMatch(problem);
    }
  });
});
