/**
 * Valid definitions pass: small ones covering every task type, every definition of the conformance
 * kit's features, and the complete examples of the DSL reference.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssues, parseDefinition } from '@baton/dsl';

const CONFORMANCE = '/work/shared/conformance/serverless-workflow';
const header = (name: string): string => `document:\n  dsl: '1.0.3'\n  namespace: tests\n  name: ${name}\n  version: '1.2.0'\n`;

async function expectValid(text: string, file: string): Promise<void> {
  const result = await parseDefinition(text, { file });
  expect(result.ok, result.ok ? '' : formatIssues(result.issues)).toBe(true);
}

const EVERY_TASK_TYPE = `${header('every-task')}use:
  functions:
    greet:
      call: http
      with:
        method: get
        endpoint: http://127.0.0.1:8080/greet
  errors:
    notFound:
      type: https://example.com/errors/not-found
      status: 404
  retries:
    thrice:
      delay:
        seconds: 1
      limit:
        attempt:
          count: 3
  secrets: [apiToken]
  authentications:
    api:
      bearer:
        token: \${ $secrets.apiToken }
do:
  - start:
      set:
        items: [1, 2, 3]
        token: \${ $secrets.apiToken }
  - callHttp:
      call: http
      with:
        method: post
        endpoint:
          uri: http://127.0.0.1:8080/orders
          authentication:
            use: api
        body: \${ . }
  - callFunction:
      call: greet
  - pick:
      switch:
        - many:
            when: .items | length > 2
            then: loop
        - default:
            then: continue
  - loop:
      for:
        each: number
        in: .items
        at: position
      while: $position < 10
      do:
        - double:
            set:
              value: \${ $number * 2 + $position }
  - nested:
      do:
        - inner:
            wait:
              seconds: 1
  - branches:
      fork:
        compete: false
        branches:
          - left:
              set:
                side: left
          - right:
              emit:
                event:
                  with:
                    source: https://example.com
                    type: com.example.right
  - guarded:
      try:
        - risky:
            raise:
              error: notFound
      catch:
        errors:
          with:
            status: 404
        as: failure
        when: \${ $failure.status == 404 }
        retry: thrice
        do:
          - recover:
              set:
                recovered: \${ $failure.status }
  - await:
      listen:
        to:
          one:
            with:
              type: com.example.done
  - shell:
      run:
        shell:
          command: echo hello
  - subflow:
      run:
        workflow:
          namespace: tests
          name: child
          version: '1.0.0'
      if: \${ .items != null }
      input:
        from: \${ . }
      output:
        as: .
      export:
        as: \${ $context }
      then: end
`;

describe('valid definitions', () => {
  it('accept every task type, declared references and scoped variables', async () => {
    const result = await parseDefinition(EVERY_TASK_TYPE, { file: 'every-task.yaml' });
    expect(result.ok, result.ok ? '' : formatIssues(result.issues)).toBe(true);
    if (!result.ok) return;
    expect(result.definition.workflowName).toBe('tests.every-task');
    expect(result.definition.version).toBe('1.2.0');
    expect(result.definition.source).toEqual({ text: EVERY_TASK_TYPE, format: 'yaml', file: 'every-task.yaml' });
  });

  it('accept JSON', async () => {
    const text = JSON.stringify({ document: { dsl: '1.0.0', namespace: 'tests', name: 'json', version: '0.1.0' }, do: [{ one: { set: { a: 1 } } }] }, null, 2);
    const result = await parseDefinition(text);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.definition.source.format).toBe('json');
  });

  it('accept the forms DSL 1.0.x added after the SDK schema (set from an expression, script arguments as a list)', async () => {
    await expectValid(
      `${header('later')}do:\n  - fromExpression:\n      set: "\${ { a: 1 } }"\n  - script:\n      run:\n        script:\n          language: js\n          code: 'console.log(1)'\n          arguments: [a, b]\n`,
      'later.yaml',
    );
  });
});

/** The text of every fenced definition (a block that starts a document) in `text`. */
function definitionsIn(text: string, fence: RegExp): string[] {
  return [...text.matchAll(fence)]
    .map((match) => {
      const lines = (match[1] ?? '').split('\n');
      const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)?.[0].length ?? 0));
      return lines.map((line) => line.slice(indent)).join('\n');
    })
    .filter((block) => /^document:/.test(block));
}

const conformancePresent = existsSync(CONFORMANCE);
if (!conformancePresent) {
  if (process.env.CI === 'true') throw new Error(`the conformance kit is missing at ${CONFORMANCE}`);
  console.warn(`skipping the conformance kit's definitions: ${CONFORMANCE} is absent`);
}

describe.skipIf(!conformancePresent)('the conformance kit', () => {
  it('every definition of the CTK features is valid', async () => {
    const features = join(CONFORMANCE, 'ctk/features');
    let count = 0;
    for (const file of readdirSync(features).filter((name) => name.endsWith('.feature'))) {
      for (const [index, definition] of definitionsIn(readFileSync(join(features, file), 'utf8'), /"""yaml\n([\s\S]*?)\n\s*"""/g).entries()) {
        await expectValid(definition, `${file}#${index + 1}`);
        count++;
      }
    }
    expect(count).toBeGreaterThan(20);
  });

  it('every complete example of the DSL reference is valid', async () => {
    const reference = readFileSync(join(CONFORMANCE, 'spec/dsl-reference.md'), 'utf8');
    const examples = definitionsIn(reference, /```yaml\n([\s\S]*?)```/g);
    expect(examples.length).toBeGreaterThan(20);
    for (const [index, example] of examples.entries()) await expectValid(example, `dsl-reference.md#${index + 1}`);
  });
});
