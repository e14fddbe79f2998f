/** An error as the dashboard shows it: the API's stable code, when there is one, and its message. */
export function describeError(error: unknown): { code?: string; message: string } {
  if (error !== null && typeof error === 'object') {
    const { code, message } = error as { code?: unknown; message?: unknown };
    return { ...(typeof code === 'string' ? { code } : {}), message: typeof message === 'string' ? message : String(error) };
  }
  return { message: String(error) };
}
