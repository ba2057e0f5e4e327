/**
 * Times training steps of a network: milliseconds per optimiser step (one ORT run for forward,
 * loss and backward, plus the TypeScript optimiser update) on random data, so benchmarks can
 * compare against PyTorch's `loss.backward(); opt.step()`.
 *
 * Run directly for the two reference networks:
 * `node --import tsx src/learners/mlp/step-timer.ts`
 */
import { Random } from "../../core/rng.js";
import type { OptimizerKind } from "./optimizers.js";
import { layerWidths, mlpNetwork, type NetworkSpec } from "./spec.js";
import { initialWeights, NetworkTrainer } from "./trainer.js";

/** Options of {@link mlpStepTimer}. */
export interface StepTimerOptions {
  /** Timed steps. Default 200. */
  readonly steps?: number;
  /** Untimed warm-up steps. Default 20. */
  readonly warmup?: number;
  /** Default "adam". */
  readonly optimizer?: OptimizerKind;
  /** Default 0. */
  readonly seed?: number;
}

/** Result of {@link mlpStepTimer}. */
export interface StepTiming {
  /** Mean wall-clock milliseconds per step. */
  readonly msPerStep: number;
  /** Mean process CPU milliseconds per step (steadier than wall time on a shared machine). */
  readonly cpuMsPerStep: number;
  readonly steps: number;
  /** 6 · batch · Σ(in·out) over dense layers divided by the step time. */
  readonly gflops: number;
}

/** Mean wall time of one softmax-cross-entropy training step of `spec` at `batch` rows. */
export async function mlpStepTimer(spec: NetworkSpec, batch: number, options: StepTimerOptions = {}): Promise<StepTiming> {
  const steps = options.steps ?? 200;
  const warmup = options.warmup ?? 20;
  const rng = new Random(options.seed ?? 0);
  const widths = layerWidths(spec);
  const k = widths.get(spec.output)!;
  const trainer = await NetworkTrainer.create(spec, "softmax", { seed: 1, optimizer: { kind: options.optimizer ?? "adam" } }, initialWeights(spec, options.seed ?? 0));
  const x = Float32Array.from({ length: batch * spec.inputs }, () => rng.normal());
  const t = new Float32Array(batch * k);
  for (let i = 0; i < batch; i++) t[i * k + rng.int(k)] = 1 / batch;
  const b = { rows: batch, x, t };
  for (let i = 0; i < warmup; i++) await trainer.step(b, 1e-3);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < steps; i++) await trainer.step(b, 1e-3);
  const ms = (performance.now() - t0) / steps;
  const cpu = process.cpuUsage(c0);
  let macs = 0;
  for (const l of spec.layers) if (l.op === "dense") macs += widths.get(l.input)! * l.units;
  return { msPerStep: ms, cpuMsPerStep: (cpu.user + cpu.system) / 1000 / steps, steps, gflops: (6 * batch * macs) / (ms * 1e6) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [inputs, hidden, outputs] of [
    [64, [128, 128], 10],
    [784, [256, 256], 10],
  ] as const) {
    const spec = mlpNetwork({ inputs, outputs, hiddenLayers: hidden });
    const r = await mlpStepTimer(spec, 256);
    console.log(`${inputs}-${hidden.join("-")}-${outputs} batch 256 adam: ${r.msPerStep.toFixed(3)} ms/step wall, ${r.cpuMsPerStep.toFixed(3)} ms CPU (${r.gflops.toFixed(1)} GFLOP/s)`);
  }
}
