/** Entry point that runs the CLI from the TypeScript sources (tests: `node --import tsx src/cli/run.ts …`). */
import { reportError } from "./errors.js";
import { main } from "./main.js";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.exitCode = reportError(e);
  },
);
