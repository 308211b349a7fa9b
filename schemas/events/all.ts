export * from './border-service.ts';
export * from './foreign-affairs.ts';
export * from './foreign-labour.ts';
export * from './interior.ts';
export * from './qandas.ts';
