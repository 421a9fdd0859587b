import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ref, RESPONSE_SCHEMAS } from './schemas';

/** The success answer of an operation, with its schema from schemas.ts (error answers are added for every operation by completeDocument). */
export function Answers(status: number, schema: keyof typeof RESPONSE_SCHEMAS, description: string) {
  return applyDecorators(ApiResponse({ status, description, schema: ref(schema) }));
}
