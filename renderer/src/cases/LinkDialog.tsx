import { useEffect, useState } from 'react';
import { Alert, Flex, Form, Input, Table, Tag, Typography } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { StationUiError, invoke, type Output } from '../api.ts';
import { formatTime } from '../components/formatTime.ts';
import { FormDialog } from '../components/FormDialog.tsx';
import { findRecordings } from './findRecordings.ts';
import type { Case } from './labels.tsx';
import { useRuleBasis } from '../components/useRuleBasis.ts';
import { useLoaded } from '../components/useLoaded.ts';

type Recording = Output<'recording.list'>['items'][number];

/** Recording ids typed or pasted: any separator, case-insensitive (RC-000012 or rc-12 both work at the station). */
function parseIds(text: string): string[] {
  return [...new Set(text.split(/[\s,;，；、]+/).map((s) => s.trim()).filter(Boolean))];
}

/**
 * Links recordings to an open case as evidence (作为证据使用). They are found by searching the
 * catalogue (name, id, officer …) or typed by id, and go in together with the written note that
 * 002 第二十三条 asks for: who took the evidence, when and where.
 */
export function LinkDialog({ kase, linked, onCancel, onDone }: { kase: Case; linked: ReadonlySet<string>; onCancel: () => void; onDone: (n: number) => void }) {
  const { t } = useTranslation();
  const basisEvidenceNote = useRuleBasis('evidenceNote');
  const [query, setQuery] = useState('');
  const [text, setText] = useState('');
  const [selected, setSelected] = useState<string[]>([]);

  useEffect(() => {
    const timer = setTimeout(() => setText(query.trim()), 300);
    return () => clearTimeout(timer);
  }, [query]);

  const { value: rows, error: searchError } = useLoaded<Recording[]>(() => findRecordings(text, 50), [text]);

  return (
    <FormDialog<{ ids?: string; note: string }>
      title={t('ui:link.title', { caseNumber: kase.caseNumber })}
      okText={t('ui:link.submit')}
      width={900}
      testId="link-dialog"
      onCancel={onCancel}
      onSubmit={async (v) => {
        const ids = [...new Set([...selected, ...parseIds(v.ids ?? '')])];
        if (ids.length === 0) throw new StationUiError({ code: 'case.no_recordings', kind: 'input', params: { caseId: kase.caseNumber } });
        const res = await invoke('case.link', { id: kase.id, recordingIds: ids, note: v.note.trim() });
        onDone(res.links.length);
      }}
    >
      <Flex vertical gap={8} style={{ marginBottom: 16 }}>
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('ui:link.search')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="link-search"
        />
        {searchError ? <Alert type="error" showIcon title={t('ui:link.searchFailed')} /> : null}
        <Table<Recording>
          size="small"
          rowKey="id"
          loading={rows === null && !searchError}
          dataSource={rows ?? []}
          pagination={false}
          scroll={{ y: 260 }}
          locale={{ emptyText: t('ui:link.noMatches') }}
          rowSelection={{
            selectedRowKeys: selected,
            preserveSelectedRowKeys: true,
            onChange: (keys) => setSelected(keys as string[]),
            getCheckboxProps: (r) => ({ disabled: linked.has(r.id), 'data-testid': `link-select-${r.id}` }) as object,
          }}
          onRow={(r) => ({ 'data-testid': 'link-row', 'data-id': r.id }) as object}
          columns={[
            { key: 'id', title: t('ui:link.columns.id'), dataIndex: 'id', width: 120, render: (v: string) => <span className="mono">{v}</span> },
            {
              key: 'name',
              title: t('ui:link.columns.name'),
              dataIndex: 'originalName',
              ellipsis: true,
              render: (v: string, r) => (
                <Flex gap={6} align="center">
                  <span className="mono">{v}</span>
                  {linked.has(r.id) ? <Tag color="blue">{t('ui:link.alreadyLinked')}</Tag> : null}
                  {r.caseId && !linked.has(r.id) ? <Tag>{t('ui:link.inCase', { caseId: r.caseId })}</Tag> : null}
                </Flex>
              ),
            },
            { key: 'recordedAt', title: t('ui:link.columns.recordedAt'), dataIndex: 'recordedAt', width: 170, render: (v: string | null) => (v ? <span className="num">{formatTime(v)}</span> : '—') },
            {
              key: 'officer',
              title: t('ui:link.columns.officer'),
              width: 140,
              render: (_: unknown, r) => (r.officerName ? t('ui:cases.officerLabel', { name: r.officerName, badge: r.officerBadge ?? '' }) : (r.officerBadge ?? '—')),
            },
          ]}
        />
        <Typography.Text type="secondary" data-testid="link-selected-count">
          {t('ui:link.selected', { n: selected.length })}
        </Typography.Text>
      </Flex>
      <Form.Item name="ids" label={t('ui:link.byId')} extra={t('ui:link.byIdHint')}>
        <Input className="mono" data-testid="link-ids" />
      </Form.Item>
      <Form.Item
        name="note"
        label={t('ui:link.note')}
        extra={t('ui:link.noteHint') + basisEvidenceNote}
        rules={[
          { required: true, whitespace: true, message: t('ui:link.noteRequired') },
          { min: 2, message: t('ui:link.noteRequired') },
        ]}
      >
        <Input.TextArea rows={3} maxLength={4000} showCount placeholder={t('ui:link.notePlaceholder')} data-testid="link-note" />
      </Form.Item>
    </FormDialog>
  );
}
