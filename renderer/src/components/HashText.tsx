import { Typography } from 'antd';

/** Hashes, keys and notes: monospace so characters can be compared by eye, copyable so nobody retypes them. */
export function HashText({ value, testId, block = false }: { value: string; testId?: string; block?: boolean }) {
  if (block) {
    return (
      <Typography.Paragraph copyable={{ text: value }} className="mono-block" data-testid={testId} style={{ marginBottom: 0 }}>
        <pre>{value}</pre>
      </Typography.Paragraph>
    );
  }
  return (
    <Typography.Text copyable={{ text: value }} className="mono" data-testid={testId}>
      {value}
    </Typography.Text>
  );
}
