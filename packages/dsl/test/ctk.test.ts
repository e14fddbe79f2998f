/**
 * The Serverless Workflow conformance kit: every scenario of every feature, run through the
 * interpreter on a real engine (SQLite file), with the kit's HTTP calls answered on loopback.
 * Without the kit the file is skipped with a notice; under CI=true a missing kit fails.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DefinitionRunner } from './definition-runner.js';
import { FEATURES, kitPresent, readFeatures } from './ctk/features.js';
import { startHttpBin, type HttpBin } from './support/http-bin.js';
import { startPetStore, type PetStore } from './support/pet-store.js';
import { runScenario } from './ctk/steps.js';

const present = kitPresent();
if (!present) {
  if (process.env.CI === 'true') throw new Error(`The conformance kit is missing at ${FEATURES}: it is required under CI=true.`);
  console.warn(`Skipping the conformance kit: ${FEATURES} does not exist.`);
}

const runner = new DefinitionRunner();
let petStore: PetStore;
let httpBin: HttpBin;
/** The kit's hosts, answered on loopback (petstore.swagger.io, httpbin.org). */
let hostAliases: Record<string, string>;

beforeAll(async () => {
  [petStore, httpBin] = await Promise.all([startPetStore(), startHttpBin()]);
  hostAliases = { ...petStore.hostAliases, ...httpBin.hostAliases };
});
afterAll(async () => {
  await runner.close();
  await Promise.all([petStore?.close(), httpBin?.close()]);
});

describe.skipIf(!present)('Serverless Workflow conformance kit', () => {
  for (const feature of present ? readFeatures() : []) {
    describe(`${feature.file}: ${feature.name}`, () => {
      for (const scenario of feature.scenarios) {
        it(scenario.name, () => runScenario(scenario, runner, { hostAliases }), 60_000);
      }
    });
  }
});
