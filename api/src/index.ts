export { createApp, type AppDeps } from './app';
export { loadConfig, type Config } from './config/config';
