/**
 * What a password must be: at least 10 characters, not built on the username or the person's name,
 * and hard to guess as zxcvbn-ts estimates it (score 3 of 4: about 10^8 guesses or more, with its
 * dictionaries of common passwords, names and keyboard patterns). The same rule for a password an
 * admin sets, one a person chooses, and the first admin's.
 */
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { userError, type AppError } from '@ggzy/shared';
import { loadLater } from '../load-later';

export const MIN_PASSWORD_LENGTH = 10;
const MIN_SCORE = 3;

const core = loadLater<typeof import('@zxcvbn-ts/core')>('@zxcvbn-ts/core');
const language = loadLater<typeof import('@zxcvbn-ts/language-common')>('@zxcvbn-ts/language-common');
let made: ZxcvbnFactory | undefined;
/** The estimator and its dictionaries, built at the first password checked. */
function estimator(): ZxcvbnFactory {
  if (!made) {
    const common = language();
    made = new (core().ZxcvbnFactory)({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs, useLevenshteinDistance: true });
  }
  return made;
}

/** Words of this product and place that are no secret. */
const PRODUCT_WORDS = ['ggzy', 'xiangxi', 'xxggzy', 'jiaoyi', 'demo', 'admin', 'password'];

function weak(zh: string, en: string): AppError {
  return userError('WEAK_PASSWORD', `密码强度不足：${zh}`, `The password is too weak: ${en}`, { status: 422 });
}

/** Throws WEAK_PASSWORD (422) with the reason when `password` does not meet the policy. */
export function checkPassword(password: string, who: { id: string; name?: string }): void {
  if ([...password].length < MIN_PASSWORD_LENGTH || !password.trim())
    throw weak(`至少 ${MIN_PASSWORD_LENGTH} 个字符`, `use at least ${MIN_PASSWORD_LENGTH} characters`);
  const lower = password.toLowerCase();
  if (lower.includes(who.id.toLowerCase()) || (who.name && password.includes(who.name)))
    throw weak('不能包含用户名或姓名', 'it must not contain the username or the name');
  const r = estimator().check(password, [who.id, ...(who.name ? [who.name] : []), ...PRODUCT_WORDS]);
  if (r.score < MIN_SCORE)
    throw weak(
      '过于常见或有规律（如常用词、键盘连续键、重复字符、日期），请加长并混用无关的词、数字和符号',
      'it is too common or patterned (common words, keyboard runs, repeats, dates); make it longer and mix unrelated words, digits and symbols',
    );
}
