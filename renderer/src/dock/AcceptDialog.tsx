import { Alert, Form, Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { invoke } from '../api.ts';
import { FormDialog } from '../components/FormDialog.tsx';
import type { DockedVolume } from './events.ts';
import type { Officer } from '../../../electron/api/index.ts';

type Values = { serial?: string; vendor?: string; model?: string; officerBadge?: string; note?: string };

/**
 * USB storage that is not a known recorder is never ingested on its own (issue "Dock and ingest"
 * item 1): a custodian accepts it explicitly, which registers it as a recorder and is ledgered.
 */
export function AcceptDialog({ volume, officers, onCancel, onDone }: { volume: DockedVolume; officers: Officer[]; onCancel: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const opt = (s?: string) => (s && s.trim() ? s.trim() : undefined);
  return (
    <FormDialog<Values>
      title={t('ui:dock.acceptTitle', { name: volume.label ?? volume.mountPoint })}
      okText={t('ui:dock.acceptSubmit')}
      width={600}
      initialValues={{
        serial: volume.vendorInfo?.deviceSerial ?? volume.serialsFromNames[0] ?? '',
        vendor: volume.catalogueModel?.vendor ?? volume.usb?.manufacturer ?? '',
        model: volume.catalogueModel?.model ?? volume.usb?.product ?? '',
      }}
      testId="accept-dialog"
      onCancel={onCancel}
      onSubmit={async (v) => {
        await invoke('dock.accept', {
          mountPoint: volume.mountPoint,
          serial: opt(v.serial),
          vendor: opt(v.vendor),
          model: opt(v.model),
          officerBadge: opt(v.officerBadge),
          note: opt(v.note),
        });
        onDone();
      }}
    >
      <Alert type="warning" showIcon title={t('ui:dock.acceptWarning')} style={{ marginBottom: 16 }} />
      <Form.Item
        name="serial"
        label={t('ui:dock.acceptSerial')}
        extra={volume.serialsFromNames.length > 0 ? t('ui:dock.acceptSerialFromNames', { serials: volume.serialsFromNames.join(', ') }) : t('ui:dock.acceptSerialHint')}
        rules={[{ required: volume.serialsFromNames.length !== 1, whitespace: true, message: t('ui:dock.acceptSerialRequired') }]}
      >
        <Input maxLength={64} autoComplete="off" data-testid="accept-serial" />
      </Form.Item>
      <Form.Item name="vendor" label={t('ui:dock.acceptVendor')}>
        <Input maxLength={100} data-testid="accept-vendor" />
      </Form.Item>
      <Form.Item name="model" label={t('ui:dock.acceptModel')}>
        <Input maxLength={100} data-testid="accept-model" />
      </Form.Item>
      <Form.Item name="officerBadge" label={t('ui:dock.acceptOfficer')} extra={t('ui:dock.acceptOfficerHint')}>
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          data-testid="accept-officer"
          options={officers.map((o) => ({ value: o.badge, label: t('ui:recordings.personWithId', { name: o.name, id: o.badge }) }))}
        />
      </Form.Item>
      <Form.Item name="note" label={t('ui:dock.acceptNote')}>
        <Input.TextArea rows={2} maxLength={500} data-testid="accept-note" />
      </Form.Item>
    </FormDialog>
  );
}
