import type { ReactNode } from 'react';
import { Descriptions, Typography } from 'antd';
import type { DescriptionsProps } from 'antd';

/** A section heading inside a drawer; only the first section sits flush with the drawer's top. */
export function SectionTitle({ first = false, children }: { first?: boolean; children: ReactNode }) {
  return (
    <Typography.Title level={5} style={{ marginTop: first ? 0 : 24 }}>
      {children}
    </Typography.Title>
  );
}

/**
 * A heading over a bordered two-column table of named fields, with labels kept on one line so values of every section
 * of a drawer line up under each other.
 */
export function FieldsSection({ title, first, items, testId }: { title: ReactNode; first?: boolean; items: DescriptionsProps['items']; testId?: string }) {
  return (
    <>
      <SectionTitle first={first}>{title}</SectionTitle>
      <Descriptions bordered size="small" column={2} styles={{ label: { width: 132, whiteSpace: 'nowrap' } }} data-testid={testId} items={items} />
    </>
  );
}
