import type { OpenAPIObject } from '@nestjs/swagger';
import { completeDocument } from './openapi';

const base = (paths: Record<string, unknown>, schemas: Record<string, unknown> = {}): OpenAPIObject =>
  ({ openapi: '3.0.0', info: { title: 't', version: '1' }, paths, components: { schemas } }) as unknown as OpenAPIObject;

const ok = { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } };

describe('completeDocument', () => {
  it('adds problem+json error answers, closes request schemas and marks public operations', () => {
    const doc = completeDocument(
      base(
        {
          '/things/{id}': {
            post: {
              summary: 's',
              security: [{ bearer: [] }],
              parameters: [{ in: 'path', name: 'id', required: true, schema: { type: 'string' } }],
              requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingDto' } } } },
              responses: ok,
            },
          },
          '/health': { get: { summary: 'h', responses: ok } },
        },
        { ThingDto: { type: 'object', properties: { part: { $ref: '#/components/schemas/PartDto' } } }, PartDto: { type: 'object', properties: {} } },
      ),
    );
    const post = (doc.paths['/things/{id}'] as any).post;
    expect(Object.keys(post.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409', '413', '415', '422', '429', '503']);
    expect(post.responses['400'].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
    expect((doc.components!.schemas as any).ThingDto.additionalProperties).toBe(false);
    expect((doc.components!.schemas as any).PartDto.additionalProperties).toBe(false);
    const health = (doc.paths['/health'] as any).get;
    expect(health.security).toEqual([]);
    expect(Object.keys(health.responses).sort()).toEqual(['200', '400', '429', '503']);
  });

  it('refuses an operation without summary, success schema or declared path parameter', () => {
    const bad = base({ '/things/{id}': { get: { responses: { '200': { description: 'no schema' } } } } });
    expect(() => completeDocument(bad)).toThrow(/no summary[\s\S]*\{id\} is not declared[\s\S]*no success response with a schema/);
    const reported: string[][] = [];
    completeDocument(base({ '/x': { get: { responses: {} } } }), (p) => reported.push(p));
    expect(reported[0]).toHaveLength(2);
  });
});
