/**
 * A model registry kept in the audit log: immutable, numbered versions of a named model and
 * movable aliases (`champion`, `challenger`) with promote and rollback.
 *
 * There is no registry table: the registry's state is a replay of the audit records whose subject is
 * `model:<name>` (`registration`, `promotion`, `rollback`), so it lives in the study's storage, every
 * change is audited by construction, and the verified chain is the only source of truth. Writes go
 * through `AuditLog.transact`, so two processes registering at once get distinct version numbers
 * and a promotion is checked against the state it changes.
 */
import { OuroborosError } from "../core/errors.js";
import type { JsonValue } from "../core/json.js";
import type { AuditRecord } from "./audit-chain.js";
import type { AuditLog } from "./audit-log.js";

/** The aliases the improvement loop uses; any other non-empty name is allowed too. */
export type ModelAlias = "champion" | "challenger";

/** One registered version. Never changes once registered. */
export interface ModelVersion {
  /** 1, 2, 3, … per model name. */
  readonly version: number;
  /** SHA-256 of the artifact (`artifactDigest` in `learners/artifact.ts`). */
  readonly artifactDigest: string;
  /** The lineage generation it was built in, if any. */
  readonly generation?: number;
  /** Where the artifact lies, e.g. `runs/abc/gen-3/`. */
  readonly uri?: string;
  readonly metadata: JsonValue;
  /** Time of registration, ms since the epoch, and the audit record that registered it. */
  readonly registeredAt: number;
  readonly auditSeq: number;
}

/** One change of an alias. */
export interface AliasChange {
  readonly action: "promotion" | "rollback";
  /** The version the alias points to after the change (undefined: the alias was cleared). */
  readonly version: number | undefined;
  /** The version it pointed to before. */
  readonly from: number | undefined;
  readonly reason: string;
  readonly time: number;
  readonly auditSeq: number;
}

/** What {@link ModelRegistry.register} takes. */
export interface RegisterOptions {
  readonly artifactDigest: string;
  readonly generation?: number;
  readonly uri?: string;
  /** Anything else (scores, params); default `null`. */
  readonly metadata?: JsonValue;
}

/** Replayed state of one model. */
export interface RegistryState {
  readonly versions: readonly ModelVersion[];
  /** Per alias, the stack of versions it was promoted to (the last is current). */
  readonly aliasStacks: ReadonlyMap<string, readonly number[]>;
  readonly changes: ReadonlyMap<string, readonly AliasChange[]>;
}

/** The audit subject of a model: `model:<name>`. */
export function modelSubject(name: string): string {
  return `model:${name}`;
}

/**
 * Replays the registry of model `name` from verified audit records. Promotion pushes a version on
 * the alias's stack; rollback pops the current one, returning the alias to the version it held
 * before that promotion.
 */
export function replayRegistry(records: readonly AuditRecord[], name: string): RegistryState {
  const subject = modelSubject(name);
  const versions: ModelVersion[] = [];
  const aliasStacks = new Map<string, number[]>();
  const changes = new Map<string, AliasChange[]>();
  for (const r of records) {
    if (r.subject !== subject) continue;
    const d = r.details as { [k: string]: JsonValue };
    if (r.action === "registration") {
      versions.push({
        version: d["version"] as number,
        artifactDigest: d["artifactDigest"] as string,
        ...(typeof d["generation"] === "number" ? { generation: d["generation"] } : {}),
        ...(typeof d["uri"] === "string" ? { uri: d["uri"] } : {}),
        metadata: d["metadata"] ?? null,
        registeredAt: r.time,
        auditSeq: r.seq,
      });
    } else if (r.action === "promotion" || r.action === "rollback") {
      const alias = d["alias"] as string;
      const stack = aliasStacks.get(alias) ?? [];
      const from = stack[stack.length - 1];
      if (r.action === "promotion") stack.push(d["version"] as number);
      else stack.pop();
      aliasStacks.set(alias, stack);
      const list = changes.get(alias) ?? [];
      list.push({ action: r.action, version: stack[stack.length - 1], from, reason: String(d["reason"] ?? ""), time: r.time, auditSeq: r.seq });
      changes.set(alias, list);
    }
  }
  return { versions, aliasStacks, changes };
}

/**
 * The registry of one named model over an audit log. Reads see the log as of its last sync
 * (`refresh`); writes sync first and are atomic with respect to other writers.
 *
 * @example
 * ```ts
 * const registry = new ModelRegistry(log, "churn");
 * const v = await registry.register({ artifactDigest, generation: 3, uri: "runs/r1/gen-3" });
 * await registry.promote(v.version, { reason: "beat gen 2: +0.012 AUC, CI [0.004, 0.020]" });
 * registry.resolve("champion"); // v
 * await registry.rollback({ reason: "drift alarm" }); // champion back to the previous version
 * ```
 */
export class ModelRegistry {
  constructor(
    /** The audit log holding the registry. */
    readonly log: AuditLog,
    /** The model's name (one registry per name; many can share a log). */
    readonly name: string,
    /** Actor written on this registry's audit records. Default `model-registry`. */
    readonly actor = "model-registry",
  ) {
    if (name === "") throw new OuroborosError("invalid-argument", "a model registry needs a non-empty model name");
  }

  /** The replayed state as of the log's last sync. */
  get state(): RegistryState {
    return replayRegistry(this.log.records, this.name);
  }

  /** Reads what other writers appended. */
  async refresh(): Promise<void> {
    await this.log.sync();
  }

  /** All versions, oldest first. */
  versions(): readonly ModelVersion[] {
    return this.state.versions;
  }

  /** A version by number, or undefined. */
  get(version: number): ModelVersion | undefined {
    return this.state.versions.find((v) => v.version === version);
  }

  /** The version an alias points to now, or undefined. */
  resolve(alias: ModelAlias | string): ModelVersion | undefined {
    const stack = this.state.aliasStacks.get(alias);
    const v = stack?.[stack.length - 1];
    return v === undefined ? undefined : this.get(v);
  }

  /** Every promotion and rollback of an alias, oldest first. */
  history(alias: ModelAlias | string): readonly AliasChange[] {
    return this.state.changes.get(alias) ?? [];
  }

  /** Registers a new immutable version (number = last + 1), writing a `registration` audit record. */
  async register(options: RegisterOptions): Promise<ModelVersion> {
    if (!/^[0-9a-f]{64}$/.test(options.artifactDigest)) {
      throw new OuroborosError("invalid-argument", `artifactDigest must be a SHA-256 in hex, but got ${JSON.stringify(options.artifactDigest)}`);
    }
    const rec = await this.log.transact((records) => {
      const version = replayRegistry(records, this.name).versions.length + 1;
      const details: { [k: string]: JsonValue } = { version, artifactDigest: options.artifactDigest, metadata: options.metadata ?? null };
      if (options.generation !== undefined) details["generation"] = options.generation;
      if (options.uri !== undefined) details["uri"] = options.uri;
      return { actor: this.actor, action: "registration", subject: modelSubject(this.name), details };
    });
    return this.get((rec.details as { version: number }).version)!;
  }

  /**
   * Points an alias (default `champion`) at a registered version, writing a `promotion` audit record.
   * @throws OuroborosError `invalid-argument` if the version is not registered or already holds the alias.
   */
  async promote(version: number, options: { alias?: ModelAlias | string; reason?: string } = {}): Promise<void> {
    const alias = options.alias ?? "champion";
    await this.log.transact((records) => {
      const s = replayRegistry(records, this.name);
      if (!s.versions.some((v) => v.version === version)) {
        throw new OuroborosError("invalid-argument", `model ${this.name} has no version ${version} to promote (versions: 1..${s.versions.length})`);
      }
      const stack = s.aliasStacks.get(alias) ?? [];
      if (stack[stack.length - 1] === version) throw new OuroborosError("invalid-argument", `model ${this.name}: ${alias} is already version ${version}`);
      return { actor: this.actor, action: "promotion", subject: modelSubject(this.name), details: { alias, version, from: stack[stack.length - 1] ?? null, reason: options.reason ?? "" } };
    });
  }

  /**
   * Returns an alias (default `champion`) to the version it held before its last promotion, writing
   * a `rollback` audit record; resolves to that version.
   * @throws OuroborosError `invalid-argument` if the alias has no earlier version to return to.
   */
  async rollback(options: { alias?: ModelAlias | string; reason?: string } = {}): Promise<ModelVersion> {
    const alias = options.alias ?? "champion";
    let restored = 0;
    await this.log.transact((records) => {
      const stack = replayRegistry(records, this.name).aliasStacks.get(alias) ?? [];
      if (stack.length < 2) {
        throw new OuroborosError("invalid-argument", `model ${this.name}: ${alias} has no earlier version to roll back to (${stack.length === 0 ? "it was never promoted" : `only version ${stack[0]} was promoted`})`);
      }
      restored = stack[stack.length - 2]!;
      return { actor: this.actor, action: "rollback", subject: modelSubject(this.name), details: { alias, version: restored, from: stack[stack.length - 1]!, reason: options.reason ?? "" } };
    });
    return this.get(restored)!;
  }
}
