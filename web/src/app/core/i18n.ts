import { Injectable, Pipe, type PipeTransform, inject, signal } from '@angular/core';
import { NzI18nService, en_US, zh_CN } from 'ng-zorro-antd/i18n';

import { EN } from './i18n-en';

@Injectable({ providedIn: 'root' })
export class I18nService {
  private readonly nz = inject(NzI18nService);
  readonly lang = signal<'zh' | 'en'>(localStorage.getItem('ggzy.lang') === 'en' ? 'en' : 'zh');

  constructor() {
    this.apply(this.lang());
  }

  toggle(): void {
    const next = this.lang() === 'zh' ? 'en' : 'zh';
    this.lang.set(next);
    localStorage.setItem('ggzy.lang', next);
    this.apply(next);
  }

  /** ng-zorro's texts and the page's `lang`, which screen readers pronounce by. */
  private apply(lang: 'zh' | 'en'): void {
    this.nz.setLocale(lang === 'en' ? en_US : zh_CN);
    document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  }

  t(zh: string): string {
    return this.lang() === 'en' ? (EN[zh] ?? zh) : zh;
  }

  /** The API's message in the current language. */
  message(e: { message: string; messageEn?: string }): string {
    return this.lang() === 'en' && e.messageEn ? e.messageEn : e.message;
  }
}

/** `{{ '工作台' | t }}` — re-evaluated when the language changes. */
@Pipe({ name: 't', pure: false })
export class TranslatePipe implements PipeTransform {
  private readonly i18n = inject(I18nService);
  transform(zh: string): string {
    return this.i18n.t(zh);
  }
}
