/** The one helper for defining mongoose models, shared with the engine's own collections. */
export { modelOn } from '@ggzy/engine-workers';
