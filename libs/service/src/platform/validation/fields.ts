/**
 * One decorator per kind of field, applying BOTH the validation rule (class-validator) and the same rule in
 * the OpenAPI document (@nestjs/swagger), so the published schema can never understate what the service
 * checks. Use these for every body, query and path field (see README: "OpenAPI: how a route gets it right").
 */
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN, INSTANT_PATTERN, INSTANT_RULE, IsIsoInstant } from './validators';

export interface FieldOptions {
  optional?: boolean;
  description?: string;
  example?: unknown;
  default?: unknown;
}

function doc(opts: FieldOptions, schema: ApiPropertyOptions): PropertyDecorator {
  const full = {
    ...schema,
    ...(opts.description !== undefined ? { description: opts.description } : {}),
    ...(opts.example !== undefined ? { example: opts.example } : {}),
    ...(opts.default !== undefined ? { default: opts.default } : {}),
  } as ApiPropertyOptions;
  return opts.optional ? ApiPropertyOptional(full) : ApiProperty(full);
}

function optional(opts: FieldOptions): PropertyDecorator[] {
  return opts.optional ? [IsOptional()] : [];
}

/** An id: 1–128 characters, letters, digits, `. _ : -`, starting with a letter or digit. */
export function IdField(name: string, opts: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    ...optional(opts),
    IsString({ message: `${name} must be a string` }),
    Matches(ID_PATTERN, { message: `${name} ${ID_MESSAGE}` }),
    doc(opts, { type: String, minLength: 1, maxLength: 128, pattern: ID_PATTERN.source }),
  );
}

/** A string matching `pattern` (anchored), at most `maxLength` characters. */
export function PatternField(pattern: RegExp, message: string, opts: FieldOptions & { maxLength: number }): PropertyDecorator {
  return applyDecorators(
    ...optional(opts),
    IsString({ message }),
    MaxLength(opts.maxLength, { message }),
    Matches(pattern, { message }),
    doc(opts, { type: String, minLength: 1, maxLength: opts.maxLength, pattern: pattern.source }),
  );
}

/** An instant (see validators.ts: strict calendar, zone required, range [INSTANT_MIN, INSTANT_MAX)). */
export function InstantField(opts: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    ...optional(opts),
    IsIsoInstant(),
    doc({ ...opts, description: `${opts.description ? `${opts.description}. ` : ''}${INSTANT_RULE[0].toUpperCase()}${INSTANT_RULE.slice(1)}.` }, {
      type: String,
      format: 'date-time',
      pattern: INSTANT_PATTERN,
      maxLength: 40,
    }),
  );
}

/** Free text of `min`–`max` characters. */
export function TextField(opts: FieldOptions & { min?: number; max: number }): PropertyDecorator {
  const min = opts.min ?? 0;
  return applyDecorators(
    ...optional(opts),
    IsString(),
    ...(min > 0 ? [MinLength(min)] : []),
    MaxLength(opts.max),
    doc(opts, { type: String, ...(min > 0 ? { minLength: min } : {}), maxLength: opts.max }),
  );
}

/** One of `values`. */
export function EnumField(values: readonly string[], opts: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(...optional(opts), IsIn(values as string[]), doc(opts, { type: String, enum: [...values] }));
}

export function BoolField(opts: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(...optional(opts), IsBoolean(), doc(opts, { type: Boolean }));
}

const QUERY_INT = /^-?\d{1,16}$/;

/**
 * An integer in [min, max] (max defaults to Number.MAX_SAFE_INTEGER, so a huge number is a 400, never a
 * database overflow). `query: true` for query/path fields: the text must be plain decimal digits.
 */
export function IntField(opts: FieldOptions & { min: number; max?: number; query?: boolean }): PropertyDecorator {
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  return (target: object, key: string | symbol) => {
    const name = String(key);
    const message = `${name} must be an integer from ${opts.min} to ${max}`;
    applyDecorators(
      ...optional(opts),
      ...(opts.query ? [Transform(({ value }) => (typeof value === 'string' && QUERY_INT.test(value) ? Number(value) : value))] : []),
      IsInt({ message }),
      Min(opts.min, { message }),
      Max(max, { message }),
      doc(opts, { type: 'integer', minimum: opts.min, maximum: max }),
    )(target, key);
  };
}
