import { Component, ElementRef, effect, input, output, viewChild, OnDestroy } from '@angular/core';
import type { FormSchema } from '../core/api.types';

interface FormJs {
  importSchema(schema: unknown, data?: unknown): Promise<unknown>;
  submit(): { data: Record<string, unknown>; errors: Record<string, unknown> };
  /** form-js keeps field errors in its state, keyed by component id. */
  _setState(state: { errors: Record<string, string[]> }): void;
  destroy(): void;
}

interface FormNode {
  id?: string;
  key?: string;
  components?: FormNode[];
}

/** A form-js form: the same JSON the server validates against. */
@Component({
  selector: 'app-form-view',
  template: '<div #host class="form-host"></div>',
  styles: `
    .form-host {
      max-width: 760px;
    }
  `,
})
export class FormViewComponent implements OnDestroy {
  readonly schema = input.required<FormSchema>();
  readonly data = input<Record<string, unknown>>({});
  readonly readonly = input(false);
  readonly ready = output<void>();
  private readonly host = viewChild.required<ElementRef<HTMLDivElement>>('host');
  private form: FormJs | null = null;

  constructor() {
    effect(() => {
      const schema = this.schema();
      const data = this.data();
      const readonly = this.readonly();
      const el = this.host().nativeElement;
      void (async () => {
        const { Form } = await import('@bpmn-io/form-js-viewer');
        this.form?.destroy();
        // No input debounce: a quick click on 提交 right after typing must not lose the last keystrokes.
        const f = new Form({
          container: el,
          debounce: false,
          properties: { readOnly: readonly },
        } as never) as unknown as FormJs;
        await f.importSchema(schema, data);
        this.form = f;
        this.ready.emit();
      })();
    });
  }

  /** The entered values, or null (and the errors shown on the fields) when the form is not valid. */
  values(): Record<string, unknown> | null {
    if (!this.form) return null;
    const { data, errors } = this.form.submit();
    return Object.keys(errors).length ? null : data;
  }

  /** Show the server's problems beside their fields (the ones the browser could not know, e.g. a past date). */
  showErrors(problems: { field?: string; message: string }[]): void {
    if (!this.form) return;
    const ids = new Map<string, string>();
    const walk = (cs: FormNode[]) =>
      cs.forEach((c) => {
        if (c.key && c.id) ids.set(c.key, c.id);
        if (c.components) walk(c.components);
      });
    walk(this.schema().components as FormNode[]);
    const errors: Record<string, string[]> = {};
    for (const p of problems) {
      const id = p.field ? ids.get(p.field) : undefined;
      if (id) (errors[id] ??= []).push(p.message);
    }
    this.form._setState({ errors });
  }

  ngOnDestroy(): void {
    this.form?.destroy();
  }
}
