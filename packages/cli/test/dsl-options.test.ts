/** The runtime options of definitions from flags and the environment: hosts, secrets, shell and script. */
import { describe, expect, it } from 'vitest';
import { UsageError, interpreterOptions, type Io } from '@baton/cli';

function io(env: Record<string, string> = {}): Io {
  return { out: () => {}, err: () => {}, env, cwd: '/' };
}

describe('definition runtime options', () => {
  it('reads hosts from $BATON_DSL_HOSTS and --dsl-host (the flags win), secrets by name, and the task switches', () => {
    const options = interpreterOptions(
      { 'dsl-host': ['petstore.swagger.io=http://127.0.0.1:8080'], 'allow-shell': true },
      io({
        BATON_DSL_HOSTS: 'petstore.swagger.io=http://127.0.0.1:1, api.example.com=https://staging.example.com',
        BATON_DSL_SECRETS: 'TOKEN,PASS',
        TOKEN: 't',
        PASS: 'p',
      }),
      'worker',
    );
    expect(options).toEqual({
      hostAliases: { 'petstore.swagger.io': 'http://127.0.0.1:8080', 'api.example.com': 'https://staging.example.com' },
      secrets: { TOKEN: 't', PASS: 'p' },
      allowShell: true,
    });
    expect(interpreterOptions({}, io(), 'dev')).toEqual({});
    expect(interpreterOptions({ 'allow-script': true }, io(), 'dev')).toEqual({ allowScript: true });
  });

  it('refuses a malformed host and a secret that is not set, as usage errors', () => {
    expect(() => interpreterOptions({ 'dsl-host': ['nonsense'] }, io(), 'run')).toThrow(UsageError);
    expect(() => interpreterOptions({ 'dsl-host': ['a=ftp://x'] }, io(), 'run')).toThrow(/HOST=URL/);
    expect(() => interpreterOptions({}, io({ BATON_DSL_HOSTS: '=http://x' }), 'run')).toThrow(/BATON_DSL_HOSTS/);
    expect(() => interpreterOptions({}, io({ BATON_DSL_SECRETS: 'MISSING' }), 'run')).toThrow(/MISSING/);
  });
});
