import { Button, Flex, Typography } from 'antd';
import { LockOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../components/formatTime.ts';
import type { classificationFromHistory } from './labels.tsx';

/** The current classification, read from the recording's ledger history; a custodian changes it from here. */
export function RecordingClassificationSection({
  classification,
  custodian,
  onClassify,
}: {
  classification: ReturnType<typeof classificationFromHistory>;
  custodian: boolean;
  onClassify: () => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <Flex justify="space-between" align="center" style={{ marginTop: 24 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('ui:recording.classification')}
        </Typography.Title>
        {custodian ? (
          <Button size="small" icon={<LockOutlined />} onClick={onClassify} data-testid="recording-classify">
            {t('ui:recording.setClassification')}
          </Button>
        ) : null}
      </Flex>
      <Typography.Paragraph style={{ marginTop: 8 }} data-testid="recording-classification-text">
        {classification?.value
          ? t('ui:recording.classifiedAs', { level: t(`ui:classification.${classification.value}`), by: classification.by, time: formatTime(classification.at), note: classification.note })
          : t('ui:recording.notClassified')}
      </Typography.Paragraph>
    </>
  );
}
