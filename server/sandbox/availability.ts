// Whether this machine can run the sandbox at all (bubblewrap and python3 present, a sandboxed
// interpreter starts): workers ask before they take filter runs, and the UI's banner says what to
// install. The answer is cached by the runtime once it works, and re-checked while it does not.
import { accessSync, constants } from "node:fs";
import { resolveRuntime, SandboxUnavailableError } from "./runtime";

/** null when the sandbox works here, else what is wrong and what to install. */
export async function checkSandbox(opts: { python?: string } = {}): Promise<string | null> {
  try {
    if (opts.python) {
      try {
        accessSync(opts.python, constants.X_OK);
      } catch {
        throw new SandboxUnavailableError(
          `the configured interpreter ${opts.python} (CAT_PYTHON) does not exist or cannot be run`,
        );
      }
    }
    await resolveRuntime({ python: opts.python });
    return null;
  } catch (err) {
    return err instanceof SandboxUnavailableError ? err.message : `the sandbox cannot start: ${(err as Error).message}`;
  }
}
