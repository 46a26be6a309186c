import type { ReactNode } from 'react';
import { Flex, Typography } from 'antd';

/** Title, one line of what the screen is for, and the screen's buttons. */
export function PageHeader({ title, intro, extra }: { title: ReactNode; intro?: ReactNode; extra?: ReactNode }) {
  return (
    <Flex justify="space-between" align="flex-start" gap={16} wrap>
      <div style={{ minWidth: 280, flex: 1 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        {intro ? <Typography.Text type="secondary">{intro}</Typography.Text> : null}
      </div>
      {extra ? (
        <Flex gap={8} wrap>
          {extra}
        </Flex>
      ) : null}
    </Flex>
  );
}
