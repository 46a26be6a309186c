import { useState, type HTMLAttributes } from 'react';
import { useLoaded } from '../components/useLoaded.ts';
import { App, Button, Flex, Form, Input, InputNumber, Radio, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { EditOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, type Output } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatTime } from '../components/formatTime.ts';
import { periodText } from '../cases/labels.tsx';
import { FormDialog } from '../components/FormDialog.tsx';
import { useRuleBasis } from '../components/useRuleBasis.ts';

type Category = Output<'retention.categories'>[number];
type Values = { code: string; nameZh: string; nameEn: string; kind: 'years' | 'permanent'; years: number | null; citation?: string };

// The station's own rule for codes (core/cases/retention.ts), checked here so the form says it first.
const CODE = /^[a-z0-9_-]{1,32}$/;

/** Retention categories (retention.categories / retention.setCategory, which adds or changes one). */
export function CategoriesTab({ canEdit }: { canEdit: boolean }) {
  const { t, i18n } = useTranslation();
  const basisRetention = useRuleBasis('retention');
  const { message } = App.useApp();
  const [editing, setEditing] = useState<Category | 'new' | null>(null);

  const { value: rows, error, reload: load } = useLoaded(() => invoke('retention.categories', {}), []);

  const columns: TableColumnsType<Category> = [
    { key: 'code', title: t('ui:settings.categories.columns.code'), dataIndex: 'code', width: 140, render: (v: string) => <span className="mono">{v}</span> },
    {
      key: 'name',
      title: t('ui:settings.categories.columns.name'),
      render: (_: unknown, c) => (
        <Flex gap={6} align="center" wrap>
          <span>{i18n.language === 'zh-CN' ? c.nameZh : c.nameEn}</span>
          {c.retiredAt ? <Tag>{t('ui:settings.categories.retired')}</Tag> : null}
        </Flex>
      ),
    },
    {
      key: 'period',
      title: t('ui:settings.categories.columns.period'),
      width: 130,
      render: (_: unknown, c) => (
        <span data-testid="category-period" data-value={JSON.stringify(c.period)}>
          {periodText(t, c.period)}
        </span>
      ),
    },
    { key: 'citation', title: t('ui:settings.categories.columns.citation'), dataIndex: 'citation', render: (v: string) => <span className="pre-wrap">{v || '—'}</span> },
    { key: 'created', title: t('ui:settings.categories.columns.created'), width: 230, render: (_: unknown, c) => t('ui:settings.categories.byAt', { by: c.createdBy, at: formatTime(c.createdAt) }) },
  ];
  if (canEdit) {
    columns.push({
      key: 'actions',
      title: t('ui:settings.categories.columns.actions'),
      width: 100,
      render: (_: unknown, c) => (
        <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setEditing(c)} data-testid={`category-edit-${c.code}`}>
          {t('ui:settings.categories.edit')}
        </Button>
      ),
    });
  }

  const initial: Partial<Values> =
    editing && editing !== 'new'
      ? { code: editing.code, nameZh: editing.nameZh, nameEn: editing.nameEn, kind: 'permanent' in editing.period ? 'permanent' : 'years', years: 'years' in editing.period ? editing.period.years : 3, citation: editing.citation }
      : { kind: 'years', years: 3 };

  return (
    <Flex vertical gap={12} data-testid="settings-categories">
      <Typography.Text type="secondary">{t('ui:settings.categories.intro')}</Typography.Text>
      <Flex gap={8} wrap>
        <Button icon={<ReloadOutlined />} onClick={() => void load()}>
          {t('ui:common.refresh')}
        </Button>
        {canEdit ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="category-add">
            {t('ui:settings.categories.add')}
          </Button>
        ) : null}
      </Flex>
      <ErrorAlert error={error} />
      <Table<Category>
        rowKey="code"
        size="middle"
        columns={columns}
        dataSource={rows ?? []}
        loading={rows === null && !error}
        pagination={false}
        locale={{ emptyText: t('ui:settings.categories.empty') }}
        onRow={(c) => ({ 'data-testid': `category-row-${c.code}` }) as HTMLAttributes<HTMLElement>}
        data-testid="categories-table"
      />
      {editing ? (
        <FormDialog<Values>
          title={editing === 'new' ? t('ui:settings.categories.addTitle') : t('ui:settings.categories.editTitle', { code: editing.code })}
          okText={t('ui:settings.categories.saveSubmit')}
          initialValues={initial}
          testId="category-dialog"
          onCancel={() => setEditing(null)}
          onSubmit={async (v) => {
            const saved = await invoke('retention.setCategory', {
              code: editing === 'new' ? v.code.trim() : editing.code,
              nameZh: v.nameZh.trim(),
              nameEn: v.nameEn.trim(),
              period: v.kind === 'permanent' ? { permanent: true } : { years: v.years ?? 0 },
              citation: v.citation?.trim() ?? '',
            });
            setEditing(null);
            void message.success(t('ui:settings.categories.saved', { code: saved.code }));
            void load();
          }}
        >
          <Form.Item
            name="code"
            label={t('ui:settings.categories.code')}
            extra={t('ui:settings.categories.codeHint')}
            rules={[{ required: true, pattern: CODE, message: t('ui:settings.categories.codeInvalid') }]}
          >
            <Input className="mono" disabled={editing !== 'new'} autoFocus={editing === 'new'} data-testid="category-code" />
          </Form.Item>
          <div className="form-grid">
            <Form.Item name="nameZh" label={t('ui:settings.categories.nameZh')} rules={[{ required: true, whitespace: true, message: t('ui:settings.categories.nameRequired') }]}>
              <Input maxLength={100} data-testid="category-name-zh" />
            </Form.Item>
            <Form.Item name="nameEn" label={t('ui:settings.categories.nameEn')} rules={[{ required: true, whitespace: true, message: t('ui:settings.categories.nameRequired') }]}>
              <Input maxLength={100} data-testid="category-name-en" />
            </Form.Item>
          </div>
          <Form.Item label={t('ui:settings.categories.period')} extra={t('ui:settings.categories.periodHint') + basisRetention}>
            <Flex gap={12} align="center" wrap>
              <Form.Item name="kind" noStyle>
                <Radio.Group
                  optionType="button"
                  data-testid="category-period-kind"
                  options={[
                    { value: 'years', label: t('ui:settings.categories.periodKinds.years') },
                    { value: 'permanent', label: t('ui:settings.categories.periodKinds.permanent') },
                  ]}
                />
              </Form.Item>
              <Form.Item noStyle dependencies={['kind']}>
                {({ getFieldValue }) =>
                  getFieldValue('kind') === 'years' ? (
                    <Form.Item name="years" noStyle rules={[{ required: true, type: 'integer', min: 1, max: 100, message: t('ui:settings.categories.yearsRequired') }]}>
                      <InputNumber min={1} max={100} precision={0} aria-label={t('ui:settings.categories.years')} data-testid="category-years" />
                    </Form.Item>
                  ) : null
                }
              </Form.Item>
            </Flex>
          </Form.Item>
          <Form.Item name="citation" label={t('ui:settings.categories.citation')} extra={t('ui:settings.categories.citationHint')}>
            <Input.TextArea rows={2} maxLength={500} data-testid="category-citation" />
          </Form.Item>
        </FormDialog>
      ) : null}
    </Flex>
  );
}
