import type { ReactNode } from 'react';
import { AuditOutlined, TeamOutlined } from '@ant-design/icons';
import type { Role, StationStatus, User } from '../api.ts';
import { LedgerScreen } from '../ledger/LedgerScreen.tsx';
import { UsersScreen } from '../users/UsersScreen.tsx';

export type ScreenProps = {
  user: User;
  status: StationStatus;
  onUserChange: (user: User) => void;
  /** Switches to another screen, optionally handing it something to open (e.g. a recording id). */
  navigate: (screen: string, focus?: string) => void;
  /** What the previous screen asked this one to open, if anything. */
  focus: string | null;
};

export type ScreenDef = {
  key: string;
  icon: ReactNode;
  /** Mirrors the access lists in electron/api: a screen whose commands a role cannot call is not offered. */
  roles: readonly Role[];
  render: (props: ScreenProps) => ReactNode;
};

// One entry per screen, in menu order. A feature adds its screen here and nowhere else in the
// shell; its menu label is `ui:nav.<key>`.
export const SCREENS: readonly ScreenDef[] = [
  {
    key: 'ledger',
    icon: <AuditOutlined />,
    roles: ['admin', 'auditor', 'custodian', 'approver', 'clerk'],
    render: (p) => <LedgerScreen user={p.user} status={p.status} />,
  },
  {
    key: 'users',
    icon: <TeamOutlined />,
    roles: ['admin', 'auditor'],
    render: (p) => <UsersScreen user={p.user} onSelfChanged={p.onUserChange} />,
  },
];

export function screensFor(roles: readonly Role[], screens: readonly ScreenDef[] = SCREENS): ScreenDef[] {
  return screens.filter((s) => s.roles.some((r) => roles.includes(r)));
}
