import type { ReactNode } from 'react';
import {
  AuditOutlined,
  CloudSyncOutlined,
  BarChartOutlined,
  DashboardOutlined,
  FieldTimeOutlined,
  FileProtectOutlined,
  FireOutlined,
  FolderOpenOutlined,
  SettingOutlined,
  SolutionOutlined,
  TeamOutlined,
  UsbOutlined,
  VideoCameraOutlined,
} from '@ant-design/icons';
import type { Role, StationStatus, User } from '../api.ts';
import { BurnScreen } from '../burn/BurnScreen.tsx';
import { CasesScreen } from '../cases/CasesScreen.tsx';
import { DashboardScreen } from '../dashboard/DashboardScreen.tsx';
import { DockScreen } from '../dock/DockScreen.tsx';
import { LedgerScreen } from '../ledger/LedgerScreen.tsx';
import { RecordingsScreen } from '../recordings/RecordingsScreen.tsx';
import { RegisterScreen } from '../register/RegisterScreen.tsx';
import { ReportsScreen } from '../reports/ReportsScreen.tsx';
import { RequestsScreen } from '../requests/RequestsScreen.tsx';
import { RetentionScreen } from '../retention/RetentionScreen.tsx';
import { ReplicationScreen } from '../replica/ReplicationScreen.tsx';
import { SettingsScreen } from '../settings/SettingsScreen.tsx';
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
  /** Roles that start on this screen after signing in; everyone else starts on the first screen not marked so. */
  landingFor?: readonly Role[];
  render: (props: ScreenProps) => ReactNode;
};

/** Whether `roles` are offered the screen `key` (so a link to it is worth showing). */
const opens = (roles: readonly Role[]) => (key: string) => screensFor(roles).some((s) => s.key === key);

// One entry per screen, in menu order. A feature adds its screen here and nowhere else in the
// shell; its menu label is `ui:nav.<key>`.
export const SCREENS: readonly ScreenDef[] = [
  {
    // dashboard.summary is open to every signed-in user; approvers start on it (what waits for their decision).
    key: 'dashboard',
    icon: <DashboardOutlined />,
    roles: ['admin', 'auditor', 'custodian', 'approver', 'clerk'],
    landingFor: ['approver'],
    render: (p) => <DashboardScreen navigate={p.navigate} canOpen={opens(p.user.roles)} />,
  },
  {
    // ingest.run / dock.* are custodian commands; auditors read everything (README.md, Architecture: Roles).
    key: 'dock',
    icon: <UsbOutlined />,
    roles: ['custodian', 'auditor'],
    render: (p) => <DockScreen user={p.user} navigate={p.navigate} />,
  },
  {
    // recording.list / recording.get in electron/api/recording.ts.
    key: 'recordings',
    icon: <VideoCameraOutlined />,
    roles: ['admin', 'auditor', 'custodian', 'approver', 'clerk'],
    render: (p) => <RecordingsScreen user={p.user} focus={p.focus} navigate={p.navigate} />,
  },
  {
    // request.list in electron/api/request.ts.
    key: 'requests',
    icon: <FileProtectOutlined />,
    roles: ['clerk', 'custodian', 'approver', 'auditor', 'admin'],
    render: (p) => <RequestsScreen user={p.user} status={p.status} focus={p.focus} />,
  },
  {
    // case.list / case.show in electron/api/case.ts.
    key: 'cases',
    icon: <FolderOpenOutlined />,
    roles: ['admin', 'auditor', 'custodian', 'approver', 'clerk'],
    render: (p) => <CasesScreen user={p.user} focus={p.focus} navigate={p.navigate} canOpen={opens(p.user.roles)} />,
  },
  {
    // burn.* in electron/api/burn.ts: clerks and custodians burn; auditors read the jobs.
    key: 'burn',
    icon: <FireOutlined />,
    roles: ['clerk', 'custodian', 'auditor'],
    render: (p) => <BurnScreen user={p.user} focus={p.focus} navigate={p.navigate} canOpen={opens(p.user.roles)} />,
  },
  {
    // retention.* / destroy.* in electron/api/retention.ts, destroy.ts.
    key: 'retention',
    icon: <FieldTimeOutlined />,
    roles: ['admin', 'auditor', 'custodian', 'approver', 'clerk'],
    render: (p) => <RetentionScreen user={p.user} focus={p.focus} navigate={p.navigate} canOpen={opens(p.user.roles)} />,
  },
  {
    // register.list / register.csv in electron/api/register.ts.
    key: 'register',
    icon: <SolutionOutlined />,
    roles: ['auditor', 'approver', 'custodian', 'admin'],
    render: (p) => <RegisterScreen user={p.user} status={p.status} />,
  },
  {
    // report.* in electron/api/report.ts (002 第二十六条 supervision).
    key: 'reports',
    icon: <BarChartOutlined />,
    roles: ['auditor', 'approver', 'custodian', 'admin'],
    render: (p) => <ReportsScreen status={p.status} />,
  },
  {
    // replica.status in electron/api/replica.ts; admins set the store, custodians run the queue.
    key: 'replica',
    icon: <CloudSyncOutlined />,
    roles: ['admin', 'auditor', 'custodian', 'clerk'],
    render: (p) => <ReplicationScreen user={p.user} />,
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
  {
    // ingest.settings, retention.categories and calendar.show are open to every signed-in user, but
    // this screen is where the rules are administered: admins change them (ingest.setSettings,
    // retention.setCategory, calendar.edit), auditors read them; other roles see their effect where
    // it applies (deadlines, retention dates).
    key: 'settings',
    icon: <SettingOutlined />,
    roles: ['admin', 'auditor'],
    render: (p) => <SettingsScreen user={p.user} focus={p.focus} />,
  },
];

export function screensFor(roles: readonly Role[], screens: readonly ScreenDef[] = SCREENS): ScreenDef[] {
  return screens.filter((s) => s.roles.some((r) => roles.includes(r)));
}

/** The screen a user starts on: the first marked as landing for one of their roles, else the first other screen. */
export function landingScreen(screens: readonly ScreenDef[], roles: readonly Role[]): ScreenDef | undefined {
  return screens.find((s) => s.landingFor?.some((r) => roles.includes(r))) ?? screens.find((s) => !s.landingFor) ?? screens[0];
}
