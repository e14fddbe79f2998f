/** `baton deploy`: deploys definition files into the database or through a server; workers load them without a restart. */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ErrorCode, errorMessage, hasErrorCode } from '@baton/core';
import { defineCommand } from '../command.js';
import { CONNECTION_HELP, connectionOptions, withBackend } from '../backend/backend.js';
import { definitionFiles, issueLine, issuesOf } from '../definition-files.js';
import { CliError, CliErrorCode } from '../errors.js';

export const deployCommand = defineCommand({
  name: 'deploy',
  summary: 'deploy definition files (Serverless Workflow YAML or JSON)',
  help: `Usage: baton deploy FILE... [--db FILE | --url URL --key KEY]

Validates each definition file (.yaml, .yml, .json; a folder deploys those in it) and deploys it under
its workflow name (<namespace>.<name>) and document.version. Running workers load it without a restart;
new runs of the name start on the version deployed last, and runs keep the version they started on.
Prints 'deployed NAME VERSION' per file ('unchanged' when this very text was deployed already). A
deployed version never changes: another text under the same version is refused (bump document.version).
Exits with 1 when any file is refused (the others are still deployed). Through --url it needs an admin key.

Options:
${CONNECTION_HELP}
  -h, --help            show this help`,
  args: ['FILE'],
  variadic: true,
  options: { ...connectionOptions },
  async run({ values, positionals }, io) {
    const paths = positionals.map((p) => resolve(io.cwd, p));
    for (const path of paths) {
      if (!existsSync(path)) throw new CliError(CliErrorCode.WorkflowsLoadFailed, `Definition ${path} does not exist.`);
    }
    const files = paths.flatMap(definitionFiles);
    if (files.length === 0) throw new CliError(CliErrorCode.WorkflowsLoadFailed, `${positionals.join(', ')} holds no definition files (.yaml, .yml, .json).`);
    return withBackend(values, io, 'deploy', { mustExist: false }, async (backend) => {
      let refused = 0;
      for (const file of files) {
        try {
          const deployed = await backend.deploy(readFileSync(file, 'utf8'), file);
          io.out(`${deployed.created ? 'deployed' : 'unchanged'} ${deployed.name} ${deployed.version}`);
        } catch (error) {
          refused++;
          if (hasErrorCode(error, ErrorCode.InvalidDefinition)) {
            io.err(`${file}: not deployed, the definition is not valid (${ErrorCode.InvalidDefinition}):`);
            for (const issue of issuesOf(error, file)) io.err(`  ${issueLine(issue, file)}`);
          } else if (hasErrorCode(error, ErrorCode.DefinitionExists) || hasErrorCode(error, ErrorCode.InvalidText)) {
            io.err(`${file}: not deployed: ${errorMessage(error)} (${(error as { code: string }).code})`);
          } else {
            throw error;
          }
        }
      }
      return refused === 0 ? 0 : 1;
    });
  },
});
