/**
 * Which variables of an instance its external applicant may read: the fields of its start form and
 * of the forms of the steps the applicant held (what they wrote), and the answers the diagram
 * addresses to them — `zeebe:property applicantSees` on the process, a comma-separated list of
 * variable names (reasons for a return or refusal, the outcome). An admin who redraws the diagram
 * changes the list without code; a variable nobody named stays internal.
 */
import type { FormRegistry } from '../forms/form-registry';
import { fieldsOf } from '../forms/form-validator';
import type { FlowCatalog } from '../instances/flow-catalog';

export class ApplicantFields {
  constructor(
    private readonly catalog: FlowCatalog,
    private readonly forms: FormRegistry,
  ) {}

  async keys(definitionKey: string | undefined, processId: string, heldFormIds: (string | null | undefined)[]): Promise<Set<string>> {
    const out = new Set<string>(['title', 'projectName']);
    const formIds = new Set(heldFormIds.filter((f): f is string => !!f));
    if (definitionKey) {
      const info = await this.catalog.info(definitionKey, processId).catch(() => null);
      if (info?.startFormId) formIds.add(info.startFormId);
      for (const k of (info?.properties.applicantSees ?? '').split(',')) if (k.trim()) out.add(k.trim());
    }
    for (const id of formIds) {
      const form = await this.forms.get(id).catch(() => null);
      for (const f of form ? fieldsOf(form.form as never) : []) if (f.key) out.add(f.key);
    }
    return out;
  }
}
