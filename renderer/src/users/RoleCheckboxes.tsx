import { Checkbox, Flex, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Role } from '../api.ts';
import { ALL_ROLES, conflictingRoles } from '../roles.ts';

/**
 * Roles as checkboxes with what each may do, so an admin assigns duties rather than labels.
 * A role that conflicts with one already ticked is disabled, with the reason on hover.
 */
export function RoleCheckboxes({ value = [], onChange, disabled }: { value?: Role[]; onChange?: (roles: Role[]) => void; disabled?: boolean }) {
  const { t } = useTranslation();
  return (
    <Checkbox.Group value={value} onChange={(v) => onChange?.(v as Role[])} disabled={disabled} style={{ width: '100%' }} data-testid="role-checkboxes">
      <Flex vertical gap={8} style={{ width: '100%' }}>
        {ALL_ROLES.map((role) => {
          const conflicts = conflictingRoles(role, value);
          const box = (
            <Checkbox value={role} disabled={conflicts.length > 0} data-testid={`role-${role}`}>
              <Typography.Text strong={value.includes(role)} disabled={conflicts.length > 0}>
                {t(`ui:roles.${role}`)}
              </Typography.Text>
              <Typography.Text type="secondary" style={{ marginInlineStart: 8, fontSize: 12 }}>
                {t(`ui:roleDescriptions.${role}`)}
              </Typography.Text>
            </Checkbox>
          );
          return conflicts.length > 0 ? (
            <Tooltip key={role} title={t('ui:users.roleConflict', { role: t(`ui:roles.${role}`), other: t(`ui:roles.${conflicts[0]}`) })} placement="right">
              <span>{box}</span>
            </Tooltip>
          ) : (
            <span key={role}>{box}</span>
          );
        })}
      </Flex>
    </Checkbox.Group>
  );
}
