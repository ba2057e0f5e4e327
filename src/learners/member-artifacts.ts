/**
 * Models made of other models (the weighted ensemble, the cross-fitted bag) save their members
 * inside their own artifact: each member's header text in the state and all members' weights in
 * one binary blob, so the whole is still one digest-verified artifact with no code.
 */
import { OuroborosError } from "../core/errors.js";
import { decodeArtifact, encodeArtifact } from "./artifact.js";
import type { Model } from "./learner.js";
import { loadModel } from "./registry.js";

/** Where one member lives in the parent's artifact: its header text and its bytes of the blob. */
export type PackedMember = {
  readonly json: string;
  readonly offset: number;
  readonly length: number;
};

/** Encodes `models` into member entries and one blob of their weights, in order. */
export function packMembers(models: readonly Model[]): { members: PackedMember[]; blob: Uint8Array } {
  const encoded = models.map((m) => encodeArtifact(m.save()));
  const blob = new Uint8Array(encoded.reduce((s, e) => s + e.weights.length, 0));
  let offset = 0;
  const members = encoded.map((e) => {
    blob.set(e.weights, offset);
    const entry = { json: e.json, offset, length: e.weights.length };
    offset += e.weights.length;
    return entry;
  });
  return { members, blob };
}

/**
 * Loads the members {@link packMembers} wrote (each one verified against its own digest);
 * `owner` names the parent in errors ("ensemble", "bag").
 */
export function unpackMembers(members: unknown, blob: unknown, owner: string): Model[] {
  if (!Array.isArray(members) || members.length === 0 || !(blob instanceof Uint8Array)) throw new OuroborosError("artifact-corrupt", `${owner}: the artifact has no members`);
  return (members as PackedMember[]).map((m, i) => loadModel(decodeArtifact(m.json, blob.subarray(m.offset, m.offset + m.length), `${owner} member ${i}`)));
}
