export * from './errors/app-error';
export * from './engine-types';
export * from './ids';
export * from './people/sections';
export * from './inbox/inbox-types';
export * from './time/china-time';
export * from './time/json-dates';
export * from './attachments/categories';
