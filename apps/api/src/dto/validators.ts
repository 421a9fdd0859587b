import { registerDecorator, ValidationOptions } from 'class-validator';

/** Strict ISO-8601 UTC instant with a time part, e.g. 2026-11-22T08:00:00Z or with milliseconds/offset. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function IsIsoInstant(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isIsoInstant',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be an ISO-8601 date-time such as 2026-11-22T08:00:00Z`, ...options },
      validator: {
        validate(value: unknown) {
          return typeof value === 'string' && ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value));
        },
      },
    });
}

/** Normalises a validated instant to UTC ISO with milliseconds. */
export function toUtcIso(s: string): string {
  return new Date(s).toISOString();
}

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const ID_MESSAGE = 'must be 1–128 characters: letters, digits, . _ : -';
