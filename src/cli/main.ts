/** The `ouro` command line: thin surface over the library (no logic lives here). */
import { Command } from "commander";
import { auditCommand } from "./audit-command.js";
import { demoCommand } from "./demo-command.js";
import { reportError } from "./errors.js";
import { predictCommand, reportCommand, runCommand } from "./run-command.js";
import { studyCommand } from "./study-commands.js";

/** Runs the CLI with the given arguments (without `node` and the script path); returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command("ouro")
    .description("Ouroboros: a self-improving machine-learning engine")
    .version("0.1.0")
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)");
  program.addCommand(runCommand());
  program.addCommand(predictCommand());
  program.addCommand(reportCommand());
  program.addCommand(studyCommand());
  program.addCommand(demoCommand());
  program.addCommand(auditCommand());
  for (const cmd of [program, ...program.commands, ...program.commands.flatMap((c) => c.commands)]) cmd.exitOverride();
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help") return 0;
    return reportError(e);
  }
}
