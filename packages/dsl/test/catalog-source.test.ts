/**
 * catalogFromStore on real stores (a SQLite file, and PostgreSQL in a fresh schema): the current
 * version of every workflow engines registered and every deployed definition, with input, output and
 * signal schemas; the process's registry merged in (it wins); Baton's own workflows left out; the
 * functions of each deployed definition's current version, plus the ones given.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Engine, WorkflowRegistry, defineWorkflow, silentLogger, type Store } from '@baton/core';
import { catalogFromStore, deployDefinitionText, readDefinition, workflowOfDefinition } from '@baton/dsl';
import { testStores } from './test-stores.js';

async function withStore(create: () => Store, test: (store: Store) => Promise<void>): Promise<void> {
  const store = create();
  await store.init();
  try {
    await test(store);
  } finally {
    await store.close();
  }
}

const orderV1 = defineWorkflow({ name: 'shop.order', version: '1', description: 'Old orders' }, async () => ({ id: 'o' }));
const orderV2 = defineWorkflow(
  {
    name: 'shop.order',
    version: '2',
    description: 'Takes an order',
    input: z.object({ sku: z.string(), quantity: z.number().int().positive() }),
    output: z.object({ orderId: z.string() }),
    signals: { confirm: z.object({ ok: z.boolean() }) },
  },
  async () => ({ orderId: 'o-1' }),
);
const internal = defineWorkflow({ name: 'baton.internal-thing' }, async () => null);

function claimDefinition(version: string, functionName: string): string {
  return `document: { dsl: '1.0.0', namespace: finance, name: claim, version: '${version}', summary: Pays an expense claim }
input:
  schema:
    format: json
    document:
      type: object
      properties: { amount: { type: number } }
      required: [ amount ]
output:
  schema:
    document:
      type: object
      properties: { paid: { type: boolean } }
use:
  functions:
    ${functionName}:
      call: http
      with: { method: post, endpoint: https://payments.example.test/pay }
do:
  - approve:
      call: baton.approval
      with:
        signal: manager
        form: { type: object, properties: { approved: { type: boolean } }, required: [ approved ] }
  - pay:
      call: ${functionName}
  - done:
      set: { paid: true }
`;
}

for (const stores of testStores('the planning catalog')) {
  describe(`catalogFromStore (${stores.name})`, () => {
    it('is empty on an empty store but for the functions given', async () => {
      await withStore(stores.create, async (store) => {
        expect(await catalogFromStore(store)).toEqual({ workflows: [], functions: [] });
        const extra = { name: 'lookup', task: { call: 'http', with: { method: 'get', endpoint: 'https://x.test' } } };
        expect(await catalogFromStore(store, { functions: [extra] })).toEqual({ workflows: [], functions: [extra] });
      });
    });

    it("lists each registered workflow's current version with its schemas, and leaves Baton's own out", async () => {
      await withStore(stores.create, async (store) => {
        const engine = new Engine({ store, workflows: [orderV1, orderV2, internal], logger: silentLogger });
        await engine.start();
        await engine.stop({ timeoutMs: 2000 });
        const catalog = await catalogFromStore(store);
        expect(catalog.functions).toEqual([]);
        expect(catalog.workflows).toHaveLength(1);
        const [order] = catalog.workflows;
        expect(order).toMatchObject({ name: 'shop.order', version: '2', kind: 'code', description: 'Takes an order' });
        expect(order!.inputSchema).toMatchObject({ type: 'object', required: ['sku', 'quantity'] });
        expect(order!.outputSchema).toMatchObject({ type: 'object', properties: { orderId: { type: 'string' } } });
        expect(order!.signals?.confirm).toMatchObject({ type: 'object', properties: { ok: { type: 'boolean' } } });
      });
    });

    it("lists deployed definitions at their current version with their schemas and approval forms, and that version's functions", async () => {
      await withStore(stores.create, async (store) => {
        await deployDefinitionText(store, claimDefinition('1.0.0', 'payOld'), { actor: 'cli', now: 1000 });
        await deployDefinitionText(store, claimDefinition('1.1.0', 'pay'), { actor: 'cli', now: 2000 });
        const catalog = await catalogFromStore(store);
        expect(catalog.workflows).toEqual([
          {
            name: 'finance.claim',
            version: '1.1.0',
            kind: 'definition',
            description: 'Pays an expense claim',
            inputSchema: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] },
            outputSchema: { type: 'object', properties: { paid: { type: 'boolean' } } },
            signals: { manager: { type: 'object', properties: { approved: { type: 'boolean' } }, required: ['approved'] } },
          },
        ]);
        expect(catalog.functions).toEqual([
          { name: 'pay', declaredBy: 'finance.claim', task: { call: 'http', with: { method: 'post', endpoint: 'https://payments.example.test/pay' } } },
        ]);
      });
    });

    it("merges the process's registry: its workflows are listed before the store knows them, and win for the names they have", async () => {
      await withStore(stores.create, async (store) => {
        const engine = new Engine({ store, workflows: [orderV1], logger: silentLogger });
        await engine.start();
        await engine.stop({ timeoutMs: 2000 });
        await deployDefinitionText(store, claimDefinition('1.0.0', 'pay'), { actor: 'cli', now: 1000 });
        const claim = workflowOfDefinition(await readDefinition(claimDefinition('1.0.0', 'pay')));
        const fresh = defineWorkflow({ name: 'hr.onboard', output: z.array(z.string()) }, async () => ['desk']);
        const registry = new WorkflowRegistry([orderV2, claim, fresh, internal]);
        const catalog = await catalogFromStore(store, { workflows: registry });
        expect(catalog.workflows.map((w) => [w.name, w.version, w.kind])).toEqual([
          ['finance.claim', '1.0.0', 'definition'],
          ['hr.onboard', '1', 'code'],
          ['shop.order', '2', 'code'],
        ]);
        // A definition's workflow declares no zod input or output: the store's schemas stay.
        expect(catalog.workflows[0]!.inputSchema).toMatchObject({ required: ['amount'] });
        expect(catalog.workflows[0]!.outputSchema).toMatchObject({ properties: { paid: { type: 'boolean' } } });
        expect(catalog.workflows[0]!.signals?.manager).toMatchObject({ type: 'object', required: ['approved'] });
        expect(catalog.workflows[1]!.outputSchema).toMatchObject({ type: 'array', items: { type: 'string' } });
        expect(catalog.workflows[2]).toMatchObject({ description: 'Takes an order', inputSchema: { required: ['sku', 'quantity'] } });
      });
    });
  });
}
