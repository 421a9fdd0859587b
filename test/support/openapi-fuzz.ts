/**
 * Request generation for the OpenAPI-driven fuzz test (test/fuzz.e2e-spec.ts), with fast-check.
 * For one operation of the published document it builds valid-ish requests from the declared schemas
 * (path and query parameters, the JSON body) and mutates them: hostile strings (NUL, lone surrogates,
 * huge, wrong types), out-of-range numbers, unknown members and parameters, dropped required members,
 * deep or huge bodies, malformed JSON, other media types, bodies where none is taken, bad percent-encoding.
 */
import fc from 'fast-check';

type Schema = any;
export type OpenApiDoc = { paths: Record<string, Record<string, any>>; components?: { schemas?: Record<string, Schema> } };

export interface Operation {
  method: string;
  path: string;
  op: any;
}

export interface FuzzRequest {
  method: string;
  /** Path with query, already percent-encoded (possibly badly, on purpose). */
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Which token to send (a key of the token table), or none. */
  token: string;
  /** What was mutated, for failure reports. */
  mutation: string;
}

export function operations(doc: OpenApiDoc): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) if (item[method]) out.push({ method: method.toUpperCase(), path, op: item[method] });
  }
  return out;
}

function resolve(doc: OpenApiDoc, s: Schema): Schema {
  let cur = s;
  for (let i = 0; cur && cur.$ref && i < 20; i++) cur = doc.components?.schemas?.[cur.$ref.split('/').pop()];
  if (cur?.allOf) {
    const parts = cur.allOf.map((p: Schema) => resolve(doc, p));
    return {
      type: 'object',
      properties: Object.assign({}, ...parts.map((p: Schema) => p.properties ?? {})),
      required: parts.flatMap((p: Schema) => p.required ?? []),
    };
  }
  return cur ?? {};
}

const HOSTILE_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '😀',
  '催单',
  '',
  ' ',
  '../../etc/passwd',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '9'.repeat(25),
  '-9'.repeat(12),
  'a'.repeat(3000),
  '2026-02-30T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '1e308',
  'NaN',
  '-1',
  '{}',
  'null',
  'dispute-',
  '99999999999999999999/1',
];

export const hostileString = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 40, unit: 'binary' }), fc.string({ maxLength: 20, unit: 'grapheme' }));

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, -0.5, 1e308, -1e308, 2 ** 53, 2 ** 63, 1e20, [], {}, [[[]]], { a: { b: {} } }),
  fc.anything({ maxDepth: 3, maxKeys: 4 }).filter((v) => JSON.stringify(v) !== undefined),
);

/** Values valid for a schema (from formats, patterns, enums, bounds). */
export function validValue(doc: OpenApiDoc, schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  if (s.enum) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case 'string': {
      if (s.format === 'date-time') {
        return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
      }
      const min = s.minLength ?? 0;
      const max = Math.min(s.maxLength ?? 24, 64);
      if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter((x) => x.length >= min && x.length <= (s.maxLength ?? Infinity)).map((x) => x.slice(0, Math.max(max, min)));
      return fc.string({ minLength: min, maxLength: Math.max(max, min) });
    }
    case 'integer':
      return fc.integer({ min: Math.max(s.minimum ?? -1000, -1e9), max: Math.min(s.maximum ?? 1_000_000, 1e9) });
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 4 ? fc.constant([]) : fc.array(validValue(doc, s.items ?? {}, depth + 1), { maxLength: Math.min(s.maxItems ?? 3, 3) });
    default: {
      if (!s.properties || depth > 4) return fc.constant({});
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, p] of Object.entries(s.properties)) model[k] = validValue(doc, p, depth + 1);
      return fc.record(model, { requiredKeys: (s.required ?? []).filter((k: string) => k in model) });
    }
  }
}

/** Percent-encodes text as UTF-8 (lone surrogates become U+FFFD, as any client would send them). */
export function encode(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

const BAD_ENCODINGS = ['%', '%E0%A4%A', '%ED%A0%80', '%FF', '%C0%AF', '%00', 'a%2Fb', '%2E%2E'];

/** `arb` with probability `p`, else undefined. */
const sometimes = <T>(arb: fc.Arbitrary<T>, p: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: Math.round(p * 100), arbitrary: arb }, { weight: Math.round((1 - p) * 100), arbitrary: fc.constant(undefined) });

/** One path or query value: from the pool of real ids (for ids), valid for its schema, or hostile. */
function paramValue(doc: OpenApiDoc, param: any, pools: Record<string, string[]>): fc.Arbitrary<{ text: string; raw?: boolean; hostile: boolean }> {
  const pool = pools[param.name] ?? [];
  const valid = validValue(doc, param.schema ?? { type: 'string' }).map((v) => ({ text: String(v), hostile: false }));
  const options: Array<fc.WeightedArbitrary<{ text: string; raw?: boolean; hostile: boolean }>> = [
    { weight: pool.length ? 3 : 12, arbitrary: valid },
    { weight: 2, arbitrary: hostileString.map((text) => ({ text, hostile: true })) },
    { weight: 1, arbitrary: fc.constantFrom(...BAD_ENCODINGS).map((text) => ({ text, raw: true, hostile: true })) },
  ];
  if (pool.length) options.push({ weight: 12, arbitrary: fc.constantFrom(...pool).map((text) => ({ text, hostile: false })) });
  return fc.oneof(...options);
}

const TOKENS_WITH_ROLE = ['platform', 'merchant', 'otherMerchant', 'consumer', 'adjudicator', 'auditor'];
const BAD_TOKENS = ['none', 'garbage', 'expired', 'wrongSecret', 'algNone', 'basic'];

/** Requests for one operation: `runs` of them, deterministic for a seed. */
export function requestsFor(doc: OpenApiDoc, operation: Operation, pools: Record<string, string[]>, seed: number, runs: number): FuzzRequest[] {
  const { method, path, op } = operation;
  const params: any[] = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const bodySchema = op.requestBody?.content?.['application/json']?.schema;

  const pathArb = fc.tuple(...pathParams.map((p) => paramValue(doc, p, pools))).map((values) => {
    let url = path;
    let hostile = false;
    pathParams.forEach((p, i) => {
      const v = values[i];
      hostile ||= v.hostile;
      url = url.replace(`{${p.name}}`, v.raw ? v.text : encode(v.text) || 'x');
    });
    return { url, hostile };
  });

  const queryArb = fc
    .tuple(
      fc.tuple(...queryParams.map((p) => sometimes(paramValue(doc, p, pools), p.required ? 0.95 : 0.4))),
      sometimes(fc.tuple(fc.constantFrom('unknown', 'debug', '__proto__', 'limit[]', 'a\u0000'), hostileString), 0.1),
      fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
    )
    .map(([values, extra, duplicate]) => {
      const parts: string[] = [];
      let hostile = false;
      queryParams.forEach((p, i) => {
        const v = values[i];
        if (p.required && v === undefined) hostile = true;
        if (!v) return;
        hostile ||= v.hostile;
        const enc = v.raw ? v.text : encode(v.text);
        parts.push(`${encode(p.name)}=${enc}`);
        if (duplicate && i === 0) parts.push(`${encode(p.name)}=${enc}`);
      });
      if (extra) {
        hostile = true;
        parts.push(`${encode(extra[0])}=${encode(extra[1])}`);
      }
      return { query: parts.length ? `?${parts.join('&')}` : '', hostile };
    });

  const validBody = bodySchema ? (validValue(doc, bodySchema) as fc.Arbitrary<Record<string, unknown>>) : fc.constant(undefined);
  const bodyArb: fc.Arbitrary<{ body?: string; contentType?: string; mutation: string }> = fc.oneof(
    { weight: 10, arbitrary: validBody.map((b) => ({ body: b === undefined ? undefined : JSON.stringify(b), mutation: 'valid body' })) },
    {
      weight: 3,
      arbitrary: fc.tuple(validBody, hostileValue, fc.nat()).map(([b, v, n]) => {
        const obj = b && typeof b === 'object' ? { ...b } : {};
        const keys = Object.keys(obj);
        const key = keys.length && n % 3 ? keys[n % keys.length] : `unknown${n % 5}`;
        (obj as Record<string, unknown>)[key] = v;
        return { body: JSON.stringify(obj), mutation: `body.${key} = hostile` };
      }),
    },
    {
      weight: 1,
      arbitrary: validBody.map((b) => {
        const obj = b && typeof b === 'object' ? { ...b } : {};
        const req = resolve(doc, bodySchema ?? {}).required ?? [];
        if (req.length) delete (obj as Record<string, unknown>)[req[0]];
        return { body: JSON.stringify(obj), mutation: `without ${req[0] ?? 'anything'}` };
      }),
    },
    { weight: 1, arbitrary: hostileValue.map((v) => ({ body: JSON.stringify(v), mutation: 'hostile body' })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { body: '['.repeat(2000) + ']'.repeat(2000), mutation: 'nested 2000 deep' },
        { body: JSON.stringify({ evidence: Array(5000).fill({ kind: 1 }) }), mutation: '5000 bad items' },
        { body: JSON.stringify(Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i]))), mutation: '2000 members' },
        { body: '{"a":', mutation: 'truncated JSON' },
        { body: '{"__proto__":{"admin":true}}', mutation: 'proto pollution' },
        { body: 'x=1', contentType: 'application/x-www-form-urlencoded', mutation: 'form body' },
        { body: 'hello', contentType: 'text/plain', mutation: 'text body' },
        { body: '{}', contentType: 'application/json; charset=latin1', mutation: 'odd charset' },
        { body: '\u0000', mutation: 'NUL body' },
      ),
    },
  );

  const headersArb = fc.record(
    {
      idem: sometimes(fc.oneof({ weight: 6, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.constantFrom('', ' ', 'x'.repeat(300), 'cl\u00e9') }), 0.3),
      minPos: sometimes(fc.constantFrom('0/0', '1/1', 'x', '99999999999999999999/1', '-1/0', '9223372036854775807/9223372036854775807'), 0.1),
      requestId: sometimes(fc.constantFrom('req-1', '../x', 'a'.repeat(300)), 0.1),
    },
    { requiredKeys: [] },
  );

  // Mostly a role the operation admits (x-roles), else any role (403s, tenancy) or a bad token (401s).
  const allowed: string[] = op['x-roles'] ?? [];
  const tokenArb = fc.oneof(
    ...(allowed.length ? [{ weight: 10, arbitrary: fc.constantFrom(...allowed) }] : []),
    { weight: 4, arbitrary: fc.constantFrom(...TOKENS_WITH_ROLE) },
    { weight: 2, arbitrary: fc.constantFrom(...BAD_TOKENS) },
  );

  const requestArb = fc.tuple(pathArb, queryArb, bodyArb, headersArb, tokenArb, fc.integer({ min: 0, max: 9 })).map(([p, q, b, h, token, extraBody]) => {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    let body = method === 'GET' ? undefined : b.body;
    let mutation = b.mutation;
    if (!bodySchema && method !== 'GET') {
      // Operations without a body: usually none, sometimes one (must be refused).
      if (extraBody < 7) body = undefined;
      else mutation = `unexpected body (${b.mutation})`;
    }
    if (body !== undefined) headers['content-type'] = b.contentType ?? 'application/json';
    if (h.idem !== undefined && method === 'POST') headers['idempotency-key'] = h.idem;
    if (h.minPos !== undefined) headers['x-min-position'] = h.minPos;
    if (h.requestId !== undefined) headers['x-request-id'] = h.requestId;
    const mutations = [mutation, p.hostile ? 'hostile path' : '', q.hostile ? 'hostile query' : ''].filter(Boolean).join(', ');
    return { method, url: p.url + q.query, headers, body, token, mutation: mutations } satisfies FuzzRequest;
  });

  return fc.sample(requestArb, { seed, numRuns: runs });
}
