export * from './errors/app-error';
export * from './engine-types';
