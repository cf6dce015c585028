/** What an attached file is (its category), as the forms, the start checks and the web app name it. */
export const ATTACHMENT_CATEGORIES = [
  { value: 'evidence', label: '现场证据' },
  { value: 'work-id', label: '工作证复印件' },
  { value: 'letter', label: '工作函原件（扫描件）' },
  { value: 'complaint', label: '投诉质疑书' },
  { value: 'unit-proof', label: '单位证明' },
  { value: 'officer-id', label: '经办人身份证明' },
  { value: 'notice', label: '告知书' },
  { value: 'other', label: '其他' },
] as const;

export type AttachmentCategory = (typeof ATTACHMENT_CATEGORIES)[number]['value'];
export const ATTACHMENT_CATEGORY_CODES = ATTACHMENT_CATEGORIES.map((c) => c.value) as [AttachmentCategory, ...AttachmentCategory[]];

export function categoryLabel(value: string): string {
  return ATTACHMENT_CATEGORIES.find((c) => c.value === value)?.label ?? value;
}
