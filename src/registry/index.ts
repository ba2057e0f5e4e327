/**
 * Control records of the improvement loop that stand apart from learning: the hash-chained audit
 * log, lineage of generations, data digests and the model registry. All of it is kept in the study
 * storage (`memory:`, `file:`, `sqlite:` URLs) as audit records.
 */

/** The audit record format, its hash and the incremental chain verifier. */
export { AuditChain, GENESIS_HASH, hashAuditRecord, sealAuditRecord, type AuditAction, type AuditBreak, type AuditEntry, type AuditHead, type AuditRecord } from "./audit-chain.js";
/** The audit log over a storage, and verification of stored records. */
export { AuditLog, verifyAuditLog, type AuditLogOptions, type AuditVerification, type VerifyOptions } from "./audit-log.js";
/** Where audit records are stored (the study journal). */
export { JournalAuditStore, type AuditOp, type AuditStore } from "./audit-store.js";
/** Canonical JSON and SHA-256 helpers. */
export { canonicalJson, jsonDigest, sha256Hex } from "./canonical-json.js";
/** Digests of training data. */
export { bytesDigest, datasetDigest, fileDigest, tableDigest } from "./data-digest.js";
/** Generation records of a run. */
export { generationsOf, recordGeneration, runSubject, type GenerationRecord, type ProposalInfo, type ScoreWithCI } from "./lineage.js";
/** Versions and aliases of a named model. */
export { ModelRegistry, modelSubject, replayRegistry, type AliasChange, type ModelAlias, type ModelVersion, type RegisterOptions, type RegistryState } from "./model-registry.js";
