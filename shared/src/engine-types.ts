/** Shapes that the engine, the API and the web app all speak. */

export type InstanceStatus = 'active' | 'completed' | 'canceled' | 'failed';

export interface ProcessDefinitionSummary {
  key: string;
  processId: string;
  name?: string;
  version: number;
  resourceName: string;
  deployedAt: string;
}

export interface IncidentSummary {
  key: string;
  instanceKey: string;
  elementId: string;
  type: 'JOB_NO_RETRIES' | 'UNHANDLED_ERROR_EVENT' | 'CONDITION_ERROR' | 'EXTRACT_VALUE_ERROR' | 'CALLED_ELEMENT_ERROR';
  message: string;
  jobKey?: string;
  status: 'open' | 'resolved';
  createdAt: string;
}

export type UserTaskStatus = 'created' | 'completed' | 'canceled';
