import { useMemo, useState } from 'react';
import { useLoaded } from '../components/useLoaded.ts';
import { Alert, App, Button, Card, Descriptions, Flex, Form, InputNumber, Radio, Select, Space, Spin, Switch, Tag, Typography } from 'antd';
import { ReloadOutlined, SaveOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { invoke, type Input, type Output } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { deadlineRuleText } from '../cases/labels.tsx';
import { sameValue } from './format.ts';
import { useRuleCitation } from '../components/useRuleCitation.ts';
import { useRuleBasis } from '../components/useRuleBasis.ts';

type IngestSettings = Output<'ingest.settings'>;
type Deadline = IngestSettings['handoverDeadline'];
type PresetId = keyof IngestSettings['handoverPresets'];
type Unit = 'hours' | 'workingDays';

type Values = {
  preset: PresetId | 'custom';
  unit: Unit;
  amount: number | null;
  maxConcurrentRecorders: number | null;
  clearRecorderAfterIngest: boolean;
  gapMin: number | null;
  gapMax: number | null;
  timeZone: string;
  futureTolerance: number | null;
  mismatchTolerance: number | null;
  clockDriftTolerance: number | null;
  syncRecorderClocks: boolean;
};


function presetOf(s: IngestSettings): PresetId | 'custom' {
  const hit = (Object.keys(s.handoverPresets) as PresetId[]).find((id) => sameValue(s.handoverPresets[id], s.handoverDeadline));
  return hit ?? 'custom';
}

function valuesOf(s: IngestSettings): Values {
  const d = s.handoverDeadline;
  return {
    preset: presetOf(s),
    unit: 'hours' in d ? 'hours' : 'workingDays',
    amount: 'hours' in d ? d.hours : d.workingDays,
    maxConcurrentRecorders: s.maxConcurrentRecorders,
    clearRecorderAfterIngest: s.clearRecorderAfterIngest,
    gapMin: s.interruptionGapSeconds.min,
    gapMax: s.interruptionGapSeconds.max,
    timeZone: s.timeZone,
    futureTolerance: s.timeToleranceSeconds.future,
    mismatchTolerance: s.timeToleranceSeconds.mismatch,
    clockDriftTolerance: s.clockDriftToleranceSeconds,
    syncRecorderClocks: s.syncRecorderClocks,
  };
}

/** Only what differs from the settings in force: every field sent is a ledger entry, even an unchanged one. */
function changes(s: IngestSettings, v: Values): Input<'ingest.setSettings'> {
  const deadline: Deadline = v.preset !== 'custom' ? { ...s.handoverPresets[v.preset] } : v.unit === 'hours' ? { hours: v.amount ?? 0 } : { workingDays: v.amount ?? 0 };
  const gap = { min: v.gapMin ?? 0, max: v.gapMax ?? 0 };
  const out: Input<'ingest.setSettings'> = {};
  if (!sameValue(deadline, s.handoverDeadline)) out.handoverDeadline = deadline;
  if (v.maxConcurrentRecorders !== s.maxConcurrentRecorders && v.maxConcurrentRecorders !== null) out.maxConcurrentRecorders = v.maxConcurrentRecorders;
  if (v.clearRecorderAfterIngest !== s.clearRecorderAfterIngest) out.clearRecorderAfterIngest = v.clearRecorderAfterIngest;
  if (!sameValue(gap, s.interruptionGapSeconds)) out.interruptionGapSeconds = gap;
  if (v.timeZone !== s.timeZone) out.timeZone = v.timeZone;
  const tolerance = { future: v.futureTolerance ?? 0, mismatch: v.mismatchTolerance ?? 0 };
  if (!sameValue(tolerance, s.timeToleranceSeconds)) out.timeToleranceSeconds = tolerance;
  if (v.clockDriftTolerance !== null && v.clockDriftTolerance !== s.clockDriftToleranceSeconds) out.clockDriftToleranceSeconds = v.clockDriftTolerance;
  if (v.syncRecorderClocks !== s.syncRecorderClocks) out.syncRecorderClocks = v.syncRecorderClocks;
  return out;
}

/** Hand-over deadline, recorder handling and interruption flagging (ingest.settings / ingest.setSettings). */
export function IngestTab({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const basisInterruption = useRuleBasis('interruption');
  const basisHandover = useRuleBasis('handover');

  const { value: settings, error, reload: load } = useLoaded(() => invoke('ingest.settings', {}), []);

  if (!settings) return error ? <ErrorAlert error={error} /> : <Spin />;

  const onOff = (on: boolean) => (on ? <Tag color="warning">{t('ui:settings.ingest.clearRecorderOn')}</Tag> : <Tag>{t('ui:settings.ingest.clearRecorderOff')}</Tag>);

  return (
    <Flex vertical gap={16} data-testid="settings-ingest">
      <ErrorAlert error={error} />
      <Card
        size="small"
        title={t('ui:settings.ingest.current')}
        extra={
          <Button size="small" icon={<ReloadOutlined />} onClick={() => void load()}>
            {t('ui:common.refresh')}
          </Button>
        }
      >
        <Descriptions
          bordered
          size="small"
          column={1}
          styles={{ label: { width: 260 } }}
          items={[
            {
              key: 'deadline',
              label: t('ui:settings.ingest.handoverDeadline'),
              children: (
                <Flex vertical gap={4}>
                  <span data-testid="settings-current-deadline" data-value={JSON.stringify(settings.handoverDeadline)}>
                    {deadlineRuleText(t, settings.handoverDeadline)}
                  </span>
                  <Typography.Text type="secondary" className="citation">
                    {t('ui:settings.ingest.handoverHint') + basisHandover}
                  </Typography.Text>
                </Flex>
              ),
            },
            { key: 'max', label: t('ui:settings.ingest.maxConcurrentRecorders'), children: <span className="num">{settings.maxConcurrentRecorders}</span> },
            { key: 'clear', label: t('ui:settings.ingest.clearRecorder'), children: onOff(settings.clearRecorderAfterIngest) },
            {
              key: 'syncClocks',
              label: t('ui:recorderRules.syncClocks'),
              children: <Tag data-testid="settings-sync-clocks-value">{t(settings.syncRecorderClocks ? 'ui:recorderRules.syncOn' : 'ui:recorderRules.syncOff')}</Tag>,
            },
            {
              key: 'tz',
              label: t('ui:settings.ingest.timeZone'),
              children: (
                <Flex vertical gap={4}>
                  <span className="mono" data-testid="settings-time-zone">
                    {settings.timeZone}
                  </span>
                  <Typography.Text type="secondary" className="citation">
                    {t('ui:settings.ingest.timeZoneHint')}
                  </Typography.Text>
                </Flex>
              ),
            },
            {
              key: 'gap',
              label: t('ui:settings.ingest.interruptionGap'),
              children: (
                <Flex vertical gap={4}>
                  <span>{t('ui:settings.ingest.gapValue', { min: settings.interruptionGapSeconds.min, max: settings.interruptionGapSeconds.max })}</span>
                  <Typography.Text type="secondary" className="citation">
                    {t('ui:settings.ingest.interruptionGapHint') + basisInterruption}
                  </Typography.Text>
                </Flex>
              ),
            },
          ]}
        />
      </Card>
      {canEdit ? <IngestForm key={JSON.stringify(settings)} settings={settings} onSaved={() => void load()} /> : null}
    </Flex>
  );
}

/** The admin's form; remounted (key) after each save so it starts from the values in force. */
function IngestForm({ settings, onSaved }: { settings: IngestSettings; onSaved: () => void }) {
  const { t } = useTranslation();
  const basisNoEditing = useRuleBasis('noEditing');
  const basisInterruption = useRuleBasis('interruption');
  const handoverCitation = useRuleCitation('handover');
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const preset = Form.useWatch('preset', form);
  const unit = Form.useWatch('unit', form);
  const clearOn = Form.useWatch('clearRecorderAfterIngest', form);
  const presetIds = settings.offeredHandoverPresets as PresetId[];
  // Zone names the browser knows, listed only when the form is shown; the station checks the choice again.
  const timeZones = useMemo(() => Intl.supportedValuesOf('timeZone').map((z) => ({ value: z, label: z })), []);

  const save = async (v: Values) => {
    const patch = changes(settings, v);
    if (Object.keys(patch).length === 0) {
      void message.info(t('ui:settings.nothingChanged'));
      return;
    }
    setSaving(true);
    setSaveError(null);
    try {
      await invoke('ingest.setSettings', patch);
      void message.success(t('ui:settings.ingest.saved'));
      onSaved();
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
        <Card size="small" title={t('ui:settings.ingest.edit')} data-testid="settings-ingest-form">
          <ErrorAlert error={saveError} onClose={() => setSaveError(null)} />
          <Form<Values> form={form} layout="vertical" requiredMark={false} disabled={saving} initialValues={valuesOf(settings)} onFinish={(v) => void save(v)} style={{ maxWidth: 720 }}>
            <Form.Item name="preset" label={t('ui:settings.ingest.handoverDeadline')} extra={unit === 'workingDays' || preset === 'working_days_2' ? t('ui:settings.ingest.workingDaysNote') : null}>
              <Radio.Group data-testid="settings-deadline-preset">
                <Flex vertical gap={6}>
                  {presetIds.map((id) => (
                    <Radio key={id} value={id} data-testid={`settings-preset-${id}`}>
                      {t(`ui:settings.ingest.presets.${id}`, { defaultValue: deadlineRuleText(t, settings.handoverPresets[id]) })}
                      <Typography.Text type="secondary" className="citation">
                        {' — '}
                        {handoverCitation ?? t('ui:agencyRule.noneChosen')}
                      </Typography.Text>
                    </Radio>
                  ))}
                  <Radio value="custom" data-testid="settings-preset-custom">
                    {t('ui:settings.ingest.custom')}
                  </Radio>
                </Flex>
              </Radio.Group>
            </Form.Item>
            {preset === 'custom' ? (
              <Space.Compact style={{ marginBottom: 24 }}>
                <Form.Item name="amount" noStyle rules={[{ required: true, message: t('ui:settings.ingest.amountRequired') }]}>
                  <InputNumber min={0} max={unit === 'hours' ? 24 * 365 : 365} precision={unit === 'hours' ? undefined : 0} aria-label={t('ui:settings.ingest.amount')} data-testid="settings-deadline-amount" />
                </Form.Item>
                <Form.Item name="unit" noStyle>
                  <Select<Unit>
                    style={{ width: 140 }}
                    data-testid="settings-deadline-unit"
                    options={[
                      { value: 'hours', label: t('ui:settings.ingest.units.hours') },
                      { value: 'workingDays', label: t('ui:settings.ingest.units.workingDays') },
                    ]}
                  />
                </Form.Item>
              </Space.Compact>
            ) : null}
            <Form.Item
              name="maxConcurrentRecorders"
              label={t('ui:settings.ingest.maxConcurrentRecorders')}
              extra={t('ui:settings.ingest.maxConcurrentRecordersHint')}
              rules={[{ required: true, type: 'integer', min: 1, max: 64, message: t('ui:settings.ingest.maxConcurrentRequired') }]}
            >
              <InputNumber min={1} max={64} precision={0} data-testid="settings-max-recorders" />
            </Form.Item>
            <Form.Item name="timeZone" label={t('ui:settings.ingest.timeZone')} extra={t('ui:settings.ingest.timeZoneChangeHint')}>
              <Select<string> showSearch options={timeZones} style={{ maxWidth: 320 }} data-testid="settings-time-zone-select" />
            </Form.Item>
            <Form.Item name="clearRecorderAfterIngest" label={t('ui:settings.ingest.clearRecorder')} valuePropName="checked">
              <Switch data-testid="settings-clear-recorder" />
            </Form.Item>
            <Alert
              type={clearOn ? 'warning' : 'info'}
              showIcon
              title={t('ui:settings.ingest.clearRecorderWarningTitle')}
              description={t('ui:settings.ingest.clearRecorderWarning') + basisNoEditing}
              data-testid="settings-clear-warning"
              style={{ marginBottom: 24 }}
            />
            <Form.Item label={t('ui:settings.ingest.interruptionGap')} extra={t('ui:settings.ingest.interruptionGapHint') + basisInterruption} style={{ marginBottom: 8 }}>
              <Flex gap={16} wrap>
                <Form.Item name="gapMin" label={t('ui:settings.ingest.gapMin')} rules={[{ required: true, type: 'number', min: 0, max: 86_400, message: t('ui:settings.ingest.gapRequired') }]}>
                  <InputNumber min={0} max={86_400} data-testid="settings-gap-min" />
                </Form.Item>
                <Form.Item
                  name="gapMax"
                  label={t('ui:settings.ingest.gapMax')}
                  dependencies={['gapMin']}
                  rules={[
                    { required: true, type: 'number', min: 0, max: 86_400, message: t('ui:settings.ingest.gapRequired') },
                    ({ getFieldValue }) => ({
                      validator: (_, v: number | null) => (v === null || v === undefined || (getFieldValue('gapMin') as number | null) === null || v >= (getFieldValue('gapMin') as number) ? Promise.resolve() : Promise.reject(new Error(t('ui:settings.ingest.gapOrder')))),
                    }),
                  ]}
                >
                  <InputNumber min={0} max={86_400} data-testid="settings-gap-max" />
                </Form.Item>
              </Flex>
            </Form.Item>
            <Form.Item label={t('ui:media.settings.timeTolerance')} extra={t('ui:media.settings.timeToleranceHint')} style={{ marginBottom: 8 }}>
              <Flex gap={16} wrap>
                <Form.Item name="futureTolerance" label={t('ui:media.settings.future')} rules={[{ required: true, type: 'number', min: 0, max: 31_536_000, message: t('ui:media.settings.secondsRequired') }]}>
                  <InputNumber min={0} max={31_536_000} data-testid="settings-tolerance-future" />
                </Form.Item>
                <Form.Item name="mismatchTolerance" label={t('ui:media.settings.mismatch')} rules={[{ required: true, type: 'number', min: 0, max: 31_536_000, message: t('ui:media.settings.secondsRequired') }]}>
                  <InputNumber min={0} max={31_536_000} data-testid="settings-tolerance-mismatch" />
                </Form.Item>
                <Form.Item name="clockDriftTolerance" label={t('ui:media.settings.clockDrift')} rules={[{ required: true, type: 'number', min: 0, max: 31_536_000, message: t('ui:media.settings.secondsRequired') }]}>
                  <InputNumber min={0} max={31_536_000} data-testid="settings-tolerance-clock" />
                </Form.Item>
              </Flex>
            </Form.Item>
            <Form.Item name="syncRecorderClocks" label={t('ui:recorderRules.syncClocks')} extra={t('ui:recorderRules.syncClocksHint')} valuePropName="checked">
              <Switch data-testid="settings-sync-clocks" />
            </Form.Item>
            <Button type="primary" htmlType="submit" icon={<SaveOutlined />} loading={saving} style={{ marginTop: 16 }} data-testid="settings-ingest-save">
              {t('ui:common.save')}
            </Button>
          </Form>
        </Card>
  );
}
