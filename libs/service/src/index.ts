/**
 * The dispute service's Nest modules, composed by the two processes that run them (README: Processes):
 * apps/api (HTTP) and apps/worker (the background: projections, Merkle checkpoints, reactions, deadlines,
 * webhook deliveries). What they need beyond the composition is exported here; nothing else imports a file
 * of this library directly (checked by `npm run lint:deps`).
 */
export { ServiceModule } from './service.module';
// Process plumbing of the API (bootstrap.ts) and its HTTP-only parts (console, rate limits).
export { buildOpenApiDocument } from './platform/openapi/openapi';
export { createRootLogger, loggingParams, nestLogger, requestId } from './platform/logging/logger';
export { ProblemFilter, ProblemException, validationProblem } from './platform/http/problem';
export { inputGuardServerOptions, installInputGuards } from './platform/http/input-guard';
export { NoBodyInterceptor } from './platform/http/no-body.interceptor';
export { Public, bearerToken, TokenVerifier } from './platform/auth/auth';
export { OpsAccess } from './platform/auth/ops-access';
export { Metrics } from './platform/metrics/metrics';
export { SQL_DB } from './platform/persistence/tokens';
// What the worker's operations listener reports (the same readiness as the API's /health).
export { Readiness } from './platform/health/readiness';
// What-if simulations in process (the benchmarks).
export { SimulationsService } from './simulations/simulations.service';
