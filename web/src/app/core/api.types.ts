/**
 * Shapes the API returns, as the web app reads them: the types of the API contract's zod schemas
 * (`@ggzy/shared/api`, the same ones the server checks and /api/openapi.json is made from).
 * Type-only imports: nothing of zod reaches the app's bundle.
 */
import type { z } from 'zod';
import type { API, ApiRouteName } from '@ggzy/shared/api';

export type {
  ApiError,
  AdminUserDto,
  AttachmentDto,
  FlowEntry,
  FormSchema,
  InstanceDetail,
  InstanceSummary,
  NotificationDto,
  Page,
  ProcessDefinitionDto,
  TaskDetail,
  TaskDto,
  TimelineEvent,
  UserDto,
} from '@ggzy/shared/api';
export type { TaskAction, TaskView } from '@ggzy/shared';

/** The answer of one route of the contract, e.g. `Reply<'instances'>`. */
export type Reply<N extends ApiRouteName> = (typeof API)[N] extends {
  response: infer S extends z.ZodType;
}
  ? z.infer<S>
  : never;
