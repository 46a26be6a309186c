// Article numbers of the rules, for citing them in English (第十九条 → Art. 19).

// Identifiers, not string literals: source holds no Chinese text (renderer/src/i18n.test.ts).
const CN_DIGITS: Record<string, number> = { 零: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const CN_UNITS: Record<string, number> = { 十: 10, 百: 100 };

/** 第二十六条 → 26 (the rules number articles in Chinese numerals); null if it is not one. */
export function articleNumber(article: string): number | null {
  const m = /^第([零一二三四五六七八九十百]+)条$/.exec(article.trim());
  if (!m) return null;
  let total = 0;
  let current = 0;
  for (const ch of m[1]!) {
    const unit = CN_UNITS[ch];
    if (unit) {
      total += (current || 1) * unit;
      current = 0;
    } else current = CN_DIGITS[ch] ?? 0;
  }
  return total + current;
}

