/** A minimal structured logger interface (pino-compatible); the default writes warnings and errors as JSON. */
export interface Logger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

const write = (level: string) => (fields: Record<string, unknown>, message: string) => {
  process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...fields }, errorReplacer)}\n`);
};

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, code: (value as { code?: unknown }).code };
  return value;
}

export const defaultLogger: Logger = { debug: () => {}, info: () => {}, warn: write('warn'), error: write('error') };
export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
