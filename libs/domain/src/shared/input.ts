/**
 * Input checks shared by every decider. Commands arrive from the API (validated there too) and from the
 * app's own code; the deciders check again, so the domain never records a malformed event. Each check
 * throws INVALID_INPUT naming the field.
 */
import { invalidInput } from '../errors';
import { compact } from './time';
import { EVIDENCE_KINDS, isOneOf, type EvidenceKind } from './types';

/** An evidence item (a reference to stored material: a screenshot, a call record, a document). */
export interface Evidence {
  kind: EvidenceKind;
  ref: string;
  description?: string;
}

/** A string with at least one non-blank character. */
export function nonEmpty(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw invalidInput(`${field} must be a non-empty string`, { field });
  return v;
}

/** An optional string: undefined and null are absent. */
export function optionalText(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidInput(`${field} must be a string`, { field });
  return v;
}

/** A positive whole number of milliseconds (a window or a delay). */
export function positiveMs(v: unknown, field: string): number {
  if (!Number.isSafeInteger(v) || (v as number) <= 0) throw invalidInput(`${field} must be a positive integer (ms)`, { field });
  return v as number;
}

/**
 * A list of evidence items (absent = none): each a known kind, a non-blank ref and an optional text
 * description (null = none). The result holds only those three fields.
 */
export function validateEvidence(evidence: unknown): Evidence[] {
  if (evidence === undefined || evidence === null) return [];
  if (!Array.isArray(evidence)) throw invalidInput('evidence must be a list', { field: 'evidence' });
  return evidence.map((e: Evidence, i) => {
    if (!e || typeof e !== 'object') throw invalidInput(`evidence[${i}] must be an object`, { field: `evidence[${i}]` });
    if (!isOneOf(EVIDENCE_KINDS, e.kind)) throw invalidInput(`evidence[${i}].kind is not a known evidence kind`, { field: `evidence[${i}].kind` });
    nonEmpty(e.ref, `evidence[${i}].ref`);
    return compact({ kind: e.kind, ref: e.ref, description: optionalText(e.description, `evidence[${i}].description`) });
  });
}
