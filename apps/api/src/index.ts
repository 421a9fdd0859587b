/**
 * The API application's public entry for the tools around it (scripts/openapi.js, scripts/client-generate.js
 * and the benchmarks): build the application, render its OpenAPI document, and run a what-if simulation in
 * process. Nothing outside apps/api imports any other file of it (checked by `npm run lint:deps`).
 */
export { createApp } from './bootstrap';
export { buildOpenApiDocument, SimulationsService } from '@app/service';
