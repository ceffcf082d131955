// The top bar (site, read-only badge, server, connection, signed-in admin, seat gauge) and the tab line.
import { Box, Text } from 'ink';
import type { LicenseView } from '../../src/domain/schemas.js';
import { TABS, type TabId } from '../commands.js';
import { seatGauge } from '../format.js';
import type { ConnState } from '../hooks/use-live.js';
import { theme } from '../theme.js';

export function TopBar(props: {
  url: string;
  conn: ConnState;
  email: string;
  license: LicenseView | null;
  readOnly: boolean;
  width: number;
}) {
  const t = theme();
  const conn =
    props.conn === 'live' ? (
      <Text color={t.ok}>● live</Text>
    ) : props.conn === 'reconnecting' ? (
      <Text color={t.danger}>○ reconnecting</Text>
    ) : (
      <Text color={t.warn}>○ connecting</Text>
    );
  const l = props.license;
  const seats = l ? `Seats ${l.held}/${l.seats} ${seatGauge(l.held, l.seats)} ${l.available} available` : 'Seats …';
  return (
    <Box width={props.width}>
      {/* The badge never shrinks: what can be cut is the server and the email, not "read-only". */}
      <Box flexShrink={0}>
        <Text bold color={t.accent}>
          Seatdesk
        </Text>
        {props.readOnly ? (
          <Text bold inverse color={t.warn}>
            {' READ-ONLY '}
          </Text>
        ) : null}
      </Box>
      <Box flexGrow={1} flexShrink={1}>
        <Text wrap="truncate">
          {` ${props.url.replace(/^https?:\/\//, '')} `}
          {conn}
          {` · ${props.email}`}
        </Text>
      </Box>
      <Box flexShrink={0}>
        <Text color={l && l.available === 0 ? t.danger : undefined}>{` ${seats}`}</Text>
      </Box>
    </Box>
  );
}

export function Tabs({ tab, width }: { tab: TabId; width: number }) {
  const t = theme();
  return (
    <Box width={width}>
      <Text wrap="truncate">
        {TABS.map((x) => (
          <Text key={x.id} inverse={x.id === tab} bold={x.id === tab} color={x.id === tab ? undefined : t.muted}>
            {` ${x.key} ${x.title} `}
          </Text>
        ))}
        <Text color={t.muted}>{'  : command · ? keys · q quit'}</Text>
      </Text>
    </Box>
  );
}
