export * from './projection';
export * from './checkpoints';
export * from './failures';
export * from './runner';
export * from './rebuild';
export * from './projections';
export * from './delays.projection';
