/**
 * @app/config — the service's configuration (environment variables parsed and checked by one schema) and
 * token minting, shared by the API, the CLI and the benchmarks so none of them reaches into another's source.
 */
export * from './config';
export * from './token';
