import type { TFunction } from 'i18next';

export function yesNo(t: TFunction, v: boolean): string {
  return v ? t('ui:recording.yes') : t('ui:recording.no');
}
