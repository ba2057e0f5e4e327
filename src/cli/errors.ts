/** How the CLI reports failures: one clear line, never a bare stack trace. */
import { OuroborosError } from "../core/errors.js";

/** Prints an error as one line (`ouro: error: …`) and returns the exit code to use. */
export function reportError(e: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (e instanceof OuroborosError) {
    stderr.write(`ouro: error: ${e.message}\n`);
    return e.code === "cli" || e.code === "invalid-argument" ? 2 : 1;
  }
  const err = e as { code?: string; message?: string };
  if (err && typeof err.code === "string" && err.code.startsWith("commander.")) {
    return 2; // commander already printed its message
  }
  stderr.write(`ouro: error: ${err?.message ?? String(e)}\n`);
  if (process.env["OURO_DEBUG"]) stderr.write(`${(e as Error).stack ?? ""}\n`);
  else stderr.write("ouro: (set OURO_DEBUG=1 for the stack trace)\n");
  return 1;
}
