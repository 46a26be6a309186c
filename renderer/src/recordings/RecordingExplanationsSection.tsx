import { Button, Empty, Flex, Tag, Typography } from 'antd';
import { FormOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Output } from '../api.ts';
import { formatTime } from '../components/formatTime.ts';
import { explanationKinds } from './ExplainDialog.tsx';

type Detail = Output<'recording.get'>;

/** The written explanations kept with the recording; a custodian writes one from here. */
export function RecordingExplanationsSection({ detail, custodian, onExplain }: { detail: Detail; custodian: boolean; onExplain: () => void }) {
  const { t } = useTranslation();
  const r = detail.recording;
  return (
    <>
      <Flex justify="space-between" align="center" style={{ marginTop: 24 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('ui:recording.explanations')}
        </Typography.Title>
        {custodian && explanationKinds(r).length > 0 ? (
          <Button size="small" icon={<FormOutlined />} onClick={onExplain}>
            {t('ui:dock.writeExplanation')}
          </Button>
        ) : null}
      </Flex>
      {detail.explanations.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ui:recording.noExplanations')} />
      ) : (
        <ul className="explanation-list" data-testid="recording-explanations">
          {detail.explanations.map((x) => (
            <li key={x.id}>
              <Flex gap={8} align="center" wrap>
                <Tag color="green">{t(`ui:explain.kinds.${x.kind}`)}</Tag>
                <Typography.Text type="secondary">{t('ui:recording.explainedBy', { author: x.author, time: formatTime(x.createdAt), seq: x.ledgerSeq })}</Typography.Text>
              </Flex>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: '4px 0 0' }}>{x.text}</Typography.Paragraph>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
