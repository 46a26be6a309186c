import type { ReactNode } from 'react';
import { AuditOutlined, FileProtectOutlined, SolutionOutlined, TeamOutlined, UsbOutlined, VideoCameraOutlined } from '@ant-design/icons';
import type { Role, StationStatus, User } from '../api.ts';
import { DockScreen } from '../dock/DockScreen.tsx';
import { LedgerScreen } from '../ledger/LedgerScreen.tsx';
import { RecordingsScreen } from '../recordings/RecordingsScreen.tsx';
import { RegisterScreen } from '../register/RegisterScreen.tsx';
import { RequestsScreen } from '../requests/RequestsScreen.tsx';
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
    // ingest.run / dock.* are custodian commands; auditors read everything (DESIGN.md roles).
    key: 'dock',
    icon: <UsbOutlined />,
    roles: ['custodian', 'auditor'],
    render: (p) => <DockScreen user={p.user} navigate={p.navigate} />,
  },
  {
    // recording.list / recording.get in electron/api/recordings.ts.
    key: 'recordings',
    icon: <VideoCameraOutlined />,
    roles: ['admin', 'auditor', 'custodian', 'approver', 'clerk'],
    render: (p) => <RecordingsScreen user={p.user} focus={p.focus} navigate={p.navigate} />,
  },
  {
    // request.list in electron/api/requests.ts.
    key: 'requests',
    icon: <FileProtectOutlined />,
    roles: ['clerk', 'custodian', 'approver', 'auditor', 'admin'],
    render: (p) => <RequestsScreen user={p.user} status={p.status} focus={p.focus} />,
  },
  {
    // register.list / register.csv in electron/api/requests.ts.
    key: 'register',
    icon: <SolutionOutlined />,
    roles: ['auditor', 'approver', 'custodian', 'admin'],
    render: (p) => <RegisterScreen user={p.user} status={p.status} />,
  },
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
