import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * Declares every `{name}` of a path template as a required string path parameter on each of its operations
 * when the controller did not declare it (routes take their params as a validated DTO, which Swagger does
 * not list). Without it generated clients (libs/client) could not fill in path parameters.
 */
export function declarePathParameters(doc: OpenAPIObject): OpenAPIObject {
  for (const [template, item] of Object.entries(doc.paths ?? {})) {
    const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    if (names.length === 0) continue;
    for (const method of ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const) {
      const op = item[method];
      if (!op) continue;
      const params = (op.parameters ??= []);
      for (const name of names) {
        const declared = params.some((p) => 'in' in p && p.in === 'path' && p.name === name);
        if (!declared) params.push({ name, in: 'path', required: true, schema: { type: 'string' } });
      }
    }
  }
  return doc;
}
