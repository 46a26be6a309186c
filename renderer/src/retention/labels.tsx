import { Flex, Tag, Tooltip, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { periodText } from '../cases/labels.tsx';
import { formatDate } from '../components/formatTime.ts';
import { articleNumber } from '../components/articles.ts';
import type { BatchItem, DestructionBatch, Hold, RetentionBasis, RetentionCandidate, RetentionStatus } from '../../../electron/api/index.ts';

export type { BatchItem, DestructionBatch, Hold, RetentionBasis, RetentionCandidate, RetentionStatus };
export type Citation = Extract<RetentionBasis, { kind: 'default' }>['citations'][number];
export type BatchState = DestructionBatch['state'];
export type Protection = RetentionStatus['protections'][number]['kind'];

const BATCH_COLORS: Record<BatchState, string> = { proposed: 'processing', approved: 'success', denied: 'error', cancelled: 'default', executing: 'warning', executed: 'purple' };
export const BATCH_STATES = Object.keys(BATCH_COLORS) as BatchState[];

export function BatchStateTag({ state }: { state: BatchState }) {
  const { t } = useTranslation();
  return (
    <Tag color={BATCH_COLORS[state]} data-testid="batch-state" data-state={state} style={{ marginInlineEnd: 0 }}>
      {t(`ui:destroy.states.${state}`)}
    </Tag>
  );
}

/** The agency's rule and article: 《title》第十九条 in Chinese; its English title and "Art. 19" in English. */
export function citationText(t: TFunction, c: Pick<Citation, 'text' | 'title' | 'titleEn' | 'article'>, lang: string): string {
  if (lang === 'zh-CN') return c.text;
  const n = articleNumber(c.article);
  return t('ui:agencyRule.citeEn', { title: c.titleEn ?? c.title, article: n === null ? c.article : t('ui:agencyRule.articleEn', { n }) });
}

/**
 * A rule's citation; in Chinese also its own words (quoted verbatim from the rule), which an
 * English reader gets on hover only, untranslated.
 */
export function CitationLine({ c }: { c: Citation }) {
  const { t, i18n } = useTranslation();
  const text = citationText(t, c, i18n.language);
  if (i18n.language === 'zh-CN' && c.quote) {
    return (
      <Typography.Text type="secondary" className="citation">
        {t('ui:rules.quoted', { cite: text, quote: c.quote })}
      </Typography.Text>
    );
  }
  return (
    <Tooltip title={c.quote ?? undefined}>
      <Typography.Text type="secondary" className="citation">
        {text}
      </Typography.Text>
    </Tooltip>
  );
}

/** What one retention rule says about a recording, in words. */
export function basisText(t: TFunction, b: RetentionBasis, lang: string): string {
  switch (b.kind) {
    case 'default':
      return t('ui:retention.basis.default', { period: periodText(t, b.period) });
    case 'category':
      return t('ui:retention.basis.category', { name: lang === 'zh-CN' ? b.nameZh : b.nameEn, period: periodText(t, b.period) });
    case 'case':
      return t(`ui:retention.basis.case.${b.caseState}`, { caseNumber: b.caseNumber, period: periodText(t, b.period), archived: formatDate(b.archivedAt) });
    case 'extension':
      return b.permanent ? t('ui:retention.basis.extensionPermanent', { requestId: b.requestId }) : t('ui:retention.basis.extension', { requestId: b.requestId, until: b.untilDate ?? '—' });
    case 'hold':
      return t('ui:retention.basis.hold', { holdId: b.holdId, reason: b.reason });
  }
}

function citationsOf(b: RetentionBasis): Citation[] {
  return 'citations' in b ? b.citations : [];
}

/** The date a recording is kept until, or that it is kept without a date, as a tag. */
export function UntilTag({ status }: { status: Pick<RetentionStatus, 'until' | 'untilDate' | 'permanent' | 'protections' | 'due' | 'destroyed' | 'pendingBatch'> }) {
  const { t } = useTranslation();
  if (status.destroyed) return <Tag color="default">{t('ui:retention.destroyedOn', { date: formatDate(status.destroyed.at) })}</Tag>;
  if (status.protections.length > 0) return <Tag color="blue">{t('ui:retention.protected')}</Tag>;
  if (status.permanent) return <Tag color="gold">{t('ui:retention.permanent')}</Tag>;
  return (
    <Flex gap={4} wrap align="center">
      <span className="num">{status.untilDate ?? '—'}</span>
      {status.due ? (
        <Tag color="error" style={{ marginInlineEnd: 0 }}>
          {t('ui:retention.due')}
        </Tag>
      ) : null}
      {status.pendingBatch ? (
        <Tag color="warning" style={{ marginInlineEnd: 0 }}>
          {t('ui:retention.inBatch', { batchId: status.pendingBatch })}
        </Tag>
      ) : null}
    </Flex>
  );
}

function candidateUntil(t: TFunction, c: RetentionCandidate): string {
  if (c.protection) return t(`ui:retention.protections.${c.protection}`);
  if (c.permanent) return t('ui:retention.permanent');
  return c.untilDate ?? '—';
}

/** Why a recording is kept until its date: the deciding rule first, then every rule that applied. */
export function RetentionWhy({ status }: { status: RetentionStatus }) {
  const { t, i18n } = useTranslation();
  const decided = status.decidedBy;
  return (
    <Flex vertical gap={6} data-testid="retention-why" data-recording={status.recordingId}>
      <Flex gap={8} align="center" wrap>
        <Typography.Text strong>{t('ui:retention.keptUntil')}</Typography.Text>
        <UntilTag status={status} />
      </Flex>
      <Typography.Text>
        {t('ui:retention.decidedBy')} {basisText(t, decided.basis, i18n.language)}
      </Typography.Text>
      {citationsOf(decided.basis).map((c) => (
        <CitationLine key={c.text} c={c} />
      ))}
      {status.candidates.length > 1 ? (
        <>
          <Typography.Text type="secondary">{t('ui:retention.allRules')}</Typography.Text>
          <ul className="retention-candidates">
            {status.candidates.map((c, i) => (
              <li key={i} className={c === decided || JSON.stringify(c) === JSON.stringify(decided) ? 'decided' : ''}>
                <span>{basisText(t, c.basis, i18n.language)}</span>
                <Typography.Text type="secondary"> — {candidateUntil(t, c)}</Typography.Text>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('ui:retention.runsFrom', { date: formatDate(status.from) })}
      </Typography.Text>
    </Flex>
  );
}
