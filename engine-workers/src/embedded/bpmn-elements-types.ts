/** The small part of bpmn-elements' runtime objects that the adapter touches. */

export interface MessageContent {
  id: string;
  type: string;
  executionId: string;
  parent?: { id: string; executionId: string; type?: string; path?: Array<{ id: string; executionId: string }> };
  index?: number;
  isRootScope?: boolean;
  isMultiInstance?: boolean;
  output?: unknown;
  [key: string]: unknown;
}

export interface ExecuteMessage {
  fields: { routingKey: string; redelivered?: boolean };
  content: MessageContent;
  properties: Record<string, unknown>;
}

export interface BrokerLike {
  publish(exchange: string, routingKey: string, content: unknown, options?: Record<string, unknown>): void;
  subscribeTmp(exchange: string, pattern: string, fn: (routingKey: string, message: ExecuteMessage) => void, options?: Record<string, unknown>): void;
  cancel(consumerTag: string): void;
}

export interface ActivityLike {
  id: string;
  type: string;
  name?: string;
  broker: BrokerLike;
  environment: { options: Record<string, unknown>; variables: Record<string, unknown> };
  behaviour: Record<string, unknown> & { Service?: unknown; extensionElements?: unknown };
  outbound?: unknown[];
  parent?: { id: string; type: string };
  isSubProcess?: boolean;
  on(event: string, fn: (api: ElementApi) => void): void;
}

export interface ElementApi {
  id: string;
  type: string;
  executionId: string;
  content: MessageContent;
  fields: { routingKey: string; redelivered?: boolean };
  owner: ActivityLike;
  signal(message?: unknown, options?: Record<string, unknown>): void;
  discard(): void;
  cancel(message?: unknown): void;
}
