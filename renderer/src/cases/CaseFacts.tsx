import { Descriptions, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDate, formatTime } from '../components/formatTime.ts';
import { ArchiveDeadlineText, EnforcementTag, periodText, type Case } from './labels.tsx';

/** The case file's facts: title, type, party, officers, dates, the archive deadline and how long the file is kept. */
export function CaseFacts({ c }: { c: Case }) {
  const { t } = useTranslation();
  return (
    <Descriptions
      bordered
      size="small"
      column={2}
      styles={{ label: { width: 130, whiteSpace: 'nowrap' } }}
      items={[
        { key: 'title', label: t('ui:cases.fields.title'), span: 2, children: c.title },
        { key: 'type', label: t('ui:cases.fields.enforcementType'), children: <EnforcementTag type={c.enforcementType} /> },
        {
          key: 'party',
          label: t('ui:cases.fields.party'),
          children: (
            <>
              {c.party.name} <Tag>{t(`ui:cases.party.${c.party.kind}`)}</Tag>
              {c.party.idNumber ? <span className="mono">{c.party.idNumber}</span> : null}
            </>
          ),
        },
        {
          key: 'officers',
          label: t('ui:cases.fields.officers'),
          span: 2,
          children:
            c.officers.length > 0
              ? c.officers.map((o) => (
                  <Tag key={o.badge} color={o.role === 'lead' ? 'blue' : undefined}>
                    {t('ui:cases.officerLabel', { name: o.name ?? o.badge, badge: o.badge })} · {t(`ui:cases.officerRoles.${o.role}`)}
                  </Tag>
                ))
              : '—',
        },
        { key: 'opened', label: t('ui:cases.fields.openedAt'), children: <span className="num">{formatTime(c.openedAt)}</span> },
        { key: 'closed', label: t('ui:cases.fields.closedAt'), children: c.closedAt ? <span className="num">{formatTime(c.closedAt)}</span> : '—' },
        {
          key: 'deadline',
          label: t('ui:cases.fields.archiveDeadline'),
          children: c.archive ? <ArchiveDeadlineText archive={c.archive} showRule /> : c.archivedAt ? t('ui:caseView.archivedOn', { date: formatDate(c.archivedAt), by: c.archivedBy ?? '' }) : t('ui:caseView.deadlineAfterClose'),
        },
        { key: 'kept', label: t('ui:cases.fields.fileRetention'), children: periodText(t, c.fileRetention) },
        ...(c.description ? [{ key: 'description', label: t('ui:cases.fields.description'), span: 2, children: <span className="pre-wrap">{c.description}</span> }] : []),
        ...(c.closeNote ? [{ key: 'closeNote', label: t('ui:caseView.closeNote'), span: 2, children: <span className="pre-wrap">{c.closeNote}</span> }] : []),
      ]}
    />
  );
}
