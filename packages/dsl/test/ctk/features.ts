/**
 * Reads the conformance kit's Gherkin features with the Cucumber parser: each scenario as a pickle
 * (its steps' text and doc strings). The kit lives beside the repository, never copied into it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import { IdGenerator, type Pickle } from '@cucumber/messages';

/** `../shared/conformance/serverless-workflow` from the repository root. */
export const KIT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/conformance/serverless-workflow');
export const FEATURES = join(KIT, 'ctk', 'features');

export interface Feature {
  file: string;
  name: string;
  scenarios: readonly Pickle[];
}

export function kitPresent(): boolean {
  return existsSync(FEATURES);
}

/** Every feature of the kit, its scenarios compiled to pickles. */
export function readFeatures(): Feature[] {
  const newId = IdGenerator.uuid();
  return readdirSync(FEATURES)
    .filter((file) => file.endsWith('.feature'))
    .sort()
    .map((file) => {
      const parser = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher());
      const document = parser.parse(readFileSync(join(FEATURES, file), 'utf8'));
      return { file, name: document.feature?.name ?? file, scenarios: compile(document, file, newId) };
    });
}
