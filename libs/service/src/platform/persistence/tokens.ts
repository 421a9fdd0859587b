/** DI tokens for infrastructure singletons. */
export const SQL_DB = Symbol('SQL_DB');
