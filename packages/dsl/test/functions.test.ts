/** Functions declared in `use.functions`, called by name: arguments become the function's input. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefinitionRunner } from './definition-runner.js';
import { startPetStore, type PetStore } from './support/pet-store.js';
import { definition } from './test-stores.js';

const runner = new DefinitionRunner();
let petStore: PetStore;

beforeAll(async () => {
  petStore = await startPetStore();
});
afterAll(async () => {
  await runner.close();
  await petStore.close();
});

describe('use.functions', () => {
  it('runs a declared function with the evaluated arguments as its input, through another function', async () => {
    const out = await runner.run(
      definition(`
use:
  functions:
    getPet:
      call: http
      with:
        method: get
        endpoint: https://petstore.swagger.io/v2/pet/{petId}
    getFirstPet:
      call: getPet
      with:
        petId: '\${ .ids[0] }'
do:
  - find:
      call: getFirstPet
      with:
        ids: '\${ [.wanted] }'
`),
      { wanted: 1 },
      { hostAliases: petStore.hostAliases },
    );
    expect(out.status).toBe('completed');
    expect(out.output).toMatchObject({ id: 1 });
    expect(petStore.requests.map((r) => `${r.method} ${r.url}`)).toContain('GET /v2/pet/1');
  });

  it('refuses a function that is not a call, naming it', async () => {
    const out = await runner.run(
      definition(`
use:
  functions:
    greet:
      set: { hello: world }
do:
  - hi:
      call: greet
`),
    );
    expect(out.fault).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/configuration', instance: '/do/0/hi' });
    expect(out.fault?.detail).toMatch(/'greet' is not a call task/);
  });
});
