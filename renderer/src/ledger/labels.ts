import type { i18n as I18n, TFunction } from 'i18next';

/** A translated action name, or the raw action when this build has no translation for it (a newer station). */
export function actionLabel(t: TFunction, i18n: I18n, action: string): string {
  const key = `actions.${action}`;
  // exists() is also true for a prefix that names a group of actions; only a string is a label.
  const value = i18n.exists(key, { ns: 'ui' }) ? t(`ui:${key}`, { returnObjects: true }) : null;
  return typeof value === 'string' ? value : action;
}

/** The ledger's own actors are words, not accounts. */
export function actorLabel(t: TFunction, actor: string): string {
  if (actor === 'system') return t('ui:ledger.actors.system');
  if (actor === 'anonymous') return t('ui:ledger.actors.anonymous');
  return actor;
}
