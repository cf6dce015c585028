/** A mongoose model on a connection, defined once: later calls (tests build several systems per connection) reuse it. */
import type { Connection, Model, Schema } from 'mongoose';

export function modelOn<T>(db: Connection, name: string, schema: Schema<T>): Model<T> {
  return (db.models[name] as Model<T> | undefined) ?? db.model<T>(name, schema);
}
