/**
 * `ouro study create|optimize|ask|tell|best|trials|delete|list` over a storage URL. Every command
 * takes `--storage` (default `sqlite:./ouro.db`) and prints plain lines, or JSON with `--json`.
 */
import { Command, Option } from "commander";
import { validateDistribution, type Distribution } from "../core/distributions.js";
import { OuroborosError } from "../core/errors.js";
import type { StudyDirection, TrialState } from "../core/frozen-trial.js";
import { createStudy, deleteStudy, getAllStudySummaries, loadStudy } from "../study/create-study.js";
import { retryFailedTrial } from "../study/retry-failed-trial.js";
import type { Study } from "../study/study.js";
import { prunerFromFlag, samplerFromFlag } from "./components.js";
import { trialJson, trialLine } from "./format.js";
import { loadObjective } from "./load-objective.js";

const DEFAULT_STORAGE = "sqlite:./ouro.db";

interface Common {
  storage: string;
  study: string;
  json?: boolean;
}

const out = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

function intFlag(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new OuroborosError("cli", `${name} must be an integer, but got "${v}"`);
    return n;
  };
}

function numFlag(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new OuroborosError("cli", `${name} must be a number, but got "${v}"`);
    return n;
  };
}

function directionsOf(o: { direction?: string; directions?: string }): StudyDirection[] | undefined {
  const raw = o.directions ? o.directions.split(",") : o.direction ? [o.direction] : undefined;
  if (!raw) return undefined;
  return raw.map((d) => {
    const t = d.trim();
    if (t !== "minimize" && t !== "maximize") throw new OuroborosError("cli", `direction must be "minimize" or "maximize", but got "${t}"`);
    return t;
  });
}

const withCommon = (cmd: Command, needsStudy = true): Command => {
  cmd.addOption(new Option("--storage <url>", "storage URL (sqlite:PATH, file:PATH.jsonl)").default(DEFAULT_STORAGE));
  if (needsStudy) cmd.requiredOption("--study <name>", "study name");
  return cmd.option("--json", "print JSON");
};

const withComponents = (cmd: Command): Command =>
  cmd
    .option("--sampler <spec>", 'sampler: tpe, random, qmc, or {"kind":"tpe","params":{...}}', "tpe")
    .option("--pruner <spec>", "pruner: median, percentile, asha, hyperband, threshold, patient, none, or JSON", "median")
    .option("--seed <n>", "sampler seed", intFlag("--seed"));

async function open(o: Common & { sampler?: string; pruner?: string; seed?: number }): Promise<Study> {
  return loadStudy({
    storage: o.storage,
    studyName: o.study,
    ...(o.sampler ? { sampler: samplerFromFlag(o.sampler, o.seed) } : {}),
    ...(o.pruner ? { pruner: prunerFromFlag(o.pruner) } : {}),
  });
}

/** Parses `--search-space` JSON: `{"x": {"kind": "float", "low": 0, "high": 1}, ...}`. */
function parseSpace(text: string): Record<string, Distribution> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new OuroborosError("cli", `--search-space is not valid JSON (${(e as Error).message})`);
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    throw new OuroborosError("cli", `--search-space must be a JSON object of name → distribution, but got ${text}`);
  }
  const space: Record<string, Distribution> = {};
  for (const [name, d] of Object.entries(raw as Record<string, Distribution>)) space[name] = validateDistribution(name, d);
  return space;
}

/** Builds the `study` command group. */
export function studyCommand(): Command {
  const study = new Command("study").description("create, run and inspect studies in a storage");

  withCommon(study.command("create").description("create a study"))
    .option("--direction <dir>", "minimize or maximize", "minimize")
    .option("--directions <list>", "comma-separated directions of a multi-objective study")
    .option("--load-if-exists", "succeed if the study already exists")
    .action(async (o: Common & { direction?: string; directions?: string; loadIfExists?: boolean }) => {
      const directions = directionsOf(o) ?? ["minimize"];
      const s = await createStudy({ storage: o.storage, studyName: o.study, directions, loadIfExists: o.loadIfExists === true });
      if (o.json) out(JSON.stringify({ studyName: s.studyName, directions: s.directions, storage: s.storage.url }));
      else out(`created study "${s.studyName}" (${s.directions.join(", ")}) in ${s.storage.url}`);
      await s.storage.close();
    });

  withComponents(withCommon(study.command("optimize").description("run an objective module's trials")))
    .requiredOption("--objective <module>", "a .js/.ts module exporting `objective(trial)`")
    .option("--n-trials <n>", "trials to run in this process", intFlag("--n-trials"))
    .option("--timeout <seconds>", "stop starting trials after this many seconds", numFlag("--timeout"))
    .option("--n-jobs <n>", "trials evaluated concurrently", intFlag("--n-jobs"), 1)
    .option("--direction <dir>", "direction, if the study is created here", "minimize")
    .option("--directions <list>", "directions, if the study is created here")
    .option("--heartbeat-interval <seconds>", "send heartbeats; fail and retry trials of dead workers", numFlag("--heartbeat-interval"))
    .action(
      async (
        o: Common & {
          objective: string;
          nTrials?: number;
          timeout?: number;
          nJobs: number;
          sampler: string;
          pruner: string;
          seed?: number;
          direction?: string;
          directions?: string;
          heartbeatInterval?: number;
        },
      ) => {
        if (o.nTrials === undefined && o.timeout === undefined) throw new OuroborosError("cli", "optimize needs --n-trials or --timeout");
        const objective = await loadObjective(o.objective);
        const s = await createStudy({
          storage: o.storage,
          studyName: o.study,
          directions: directionsOf(o) ?? ["minimize"],
          loadIfExists: true,
          sampler: samplerFromFlag(o.sampler, o.seed),
          pruner: prunerFromFlag(o.pruner),
          ...(o.heartbeatInterval !== undefined
            ? { heartbeat: { heartbeatInterval: o.heartbeatInterval, failedTrialCallback: retryFailedTrial({ maxRetry: 3 }) } }
            : {}),
        });
        const controller = new AbortController();
        const onSigint = (): void => controller.abort();
        process.once("SIGINT", onSigint);
        try {
          await s.optimize(objective, {
            ...(o.nTrials !== undefined ? { nTrials: o.nTrials } : {}),
            ...(o.timeout !== undefined ? { timeout: o.timeout } : {}),
            nJobs: o.nJobs,
            signal: controller.signal,
            callbacks: [(_study, t) => void (o.json ? out(JSON.stringify(trialJson(t))) : out(trialLine(t)))],
          });
        } finally {
          process.off("SIGINT", onSigint);
        }
        if (!o.json) {
          const done = s.trials.filter((t) => t.state === "complete").length;
          out(`study "${s.studyName}": ${s.trials.length} trials, ${done} complete`);
          if (s.directions.length === 1 && done > 0) out(`best: ${trialLine(s.bestTrial)}`);
        }
        await s.storage.close();
      },
    );

  withComponents(withCommon(study.command("ask").description("start a trial and print its parameters")))
    .option("--search-space <json>", 'distributions to sample, e.g. {"x":{"kind":"float","low":0,"high":1}}', "{}")
    .action(async (o: Common & { searchSpace: string; sampler: string; pruner: string; seed?: number }) => {
      const space = parseSpace(o.searchSpace);
      const s = await open(o);
      const trial = await s.ask({ fixedDistributions: space });
      await s.refresh();
      if (o.json) out(JSON.stringify({ number: trial.number, params: trial.params }));
      else out(`trial ${trial.number}: ${JSON.stringify(trial.params)}`);
      await s.storage.close();
    });

  withCommon(study.command("tell").description("finish a trial with its value(s) or a state"))
    .requiredOption("--trial <n>", "trial number", intFlag("--trial"))
    .option("--values <list>", "comma-separated objective value(s)")
    .option("--state <state>", "pruned or fail (instead of values)")
    .option("--skip-if-finished", "do nothing if the trial is already finished")
    .action(async (o: Common & { trial: number; values?: string; state?: string; skipIfFinished?: boolean }) => {
      if ((o.values === undefined) === (o.state === undefined)) throw new OuroborosError("cli", "tell needs exactly one of --values or --state");
      let result: number[] | "pruned" | "fail";
      if (o.values !== undefined) {
        result = o.values.split(",").map((v) => {
          const n = Number(v.trim());
          if (v.trim() === "" || Number.isNaN(n)) throw new OuroborosError("cli", `--values must be numbers, but got "${v}"`);
          return n;
        });
      } else {
        if (o.state !== "pruned" && o.state !== "fail") throw new OuroborosError("cli", `--state must be "pruned" or "fail", but got "${o.state}"`);
        result = o.state;
      }
      const s = await open(o);
      const t = await s.tell(o.trial, result, { skipIfFinished: o.skipIfFinished === true });
      out(o.json ? JSON.stringify(trialJson(t)) : `told ${trialLine(t)}`);
      await s.storage.close();
    });

  withCommon(study.command("best").description("print the best trial (or the Pareto front)")).action(async (o: Common) => {
    const s = await open(o);
    const best = s.directions.length === 1 ? [s.bestTrial] : s.bestTrials;
    if (o.json) out(JSON.stringify(s.directions.length === 1 ? trialJson(best[0]!) : best.map(trialJson)));
    else for (const t of best) out(trialLine(t));
    await s.storage.close();
  });

  withCommon(study.command("trials").description("list trials"))
    .option("--state <state>", "only trials in this state (complete, pruned, fail, running, waiting)")
    .action(async (o: Common & { state?: string }) => {
      const states: TrialState[] = ["complete", "pruned", "fail", "running", "waiting"];
      if (o.state !== undefined && !states.includes(o.state as TrialState)) {
        throw new OuroborosError("cli", `--state must be one of ${states.join(", ")}, but got "${o.state}"`);
      }
      const s = await open(o);
      const trials = s.getTrials(o.state ? { states: [o.state as TrialState] } : {});
      if (o.json) out(JSON.stringify(trials.map(trialJson)));
      else for (const t of trials) out(trialLine(t));
      await s.storage.close();
    });

  withCommon(study.command("delete").description("delete a study")).action(async (o: Common) => {
    await deleteStudy({ storage: o.storage, studyName: o.study });
    out(o.json ? JSON.stringify({ deleted: o.study }) : `deleted study "${o.study}"`);
  });

  withCommon(study.command("list").description("list the studies in a storage"), false).action(async (o: Omit<Common, "study">) => {
    const summaries = await getAllStudySummaries(o.storage);
    if (o.json) out(JSON.stringify(summaries));
    else for (const x of summaries) out(`${x.studyName}\t${x.directions.join(",")}\t${x.nTrials} trials`);
  });

  return study;
}
