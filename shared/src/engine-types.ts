/** Shapes that the engine, the API and the web app all speak. */

export type InstanceStatus = 'active' | 'completed' | 'canceled' | 'failed';

/** Where a deployed version came from: a file in `processes/`, or an admin's redraw. */
export interface DefinitionOrigin {
  source: 'file' | 'admin';
  /** The file's name (source file). */
  file?: string;
  /** The admin's user id and name (source admin). */
  by?: string;
  byName?: string;
}

export interface ProcessDefinitionSummary {
  key: string;
  processId: string;
  name?: string;
  version: number;
  resourceName: string;
  deployedAt: string;
  /** Added by the API for admins. */
  origin?: DefinitionOrigin;
}

export interface IncidentSummary {
  key: string;
  instanceKey: string;
  elementId: string;
  type: 'JOB_NO_RETRIES' | 'UNHANDLED_ERROR_EVENT' | 'CONDITION_ERROR' | 'EXTRACT_VALUE_ERROR' | 'IO_MAPPING_ERROR' | 'CALLED_ELEMENT_ERROR';
  message: string;
  jobKey?: string;
  status: 'open' | 'resolved';
  createdAt: string;
}

export type UserTaskStatus = 'created' | 'completed' | 'canceled';
