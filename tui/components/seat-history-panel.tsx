// The seat trend under the settings: seats held per day over the last 30 or 90 days.
import { Box, Text } from 'ink';
import type { ApiClient } from '../../src/client/api-client.js';
import type { LicenseView } from '../../src/domain/schemas.js';
import { useSeatHistory } from '../hooks/use-seat-history.js';
import { theme } from '../theme.js';
import { SeatChart } from './seat-chart.js';

export function SeatHistoryPanel(props: {
  client: ApiClient;
  license: LicenseView | null;
  days: 30 | 90;
  width: number;
  height: number;
}) {
  const { points, error } = useSeatHistory(props.client, props.license, props.days);
  if (error) return <Text color={theme().danger} wrap="truncate">{`Seat history: ${error}`}</Text>;
  return (
    <Box flexDirection="column">
      <SeatChart points={points} width={props.width} height={Math.max(1, props.height - 2)} days={props.days} />
    </Box>
  );
}
