// The invite dialog (email and profiles) and the edit-profiles dialog.
import { Box, Text } from 'ink';
import { useState } from 'react';
import { ADMIN_PROFILES, USER_PROFILES } from '../../src/domain/catalogue.js';
import type { AdminProfile, PublicUser, UserProfile } from '../../src/domain/schemas.js';
import { LAYER, SAME, useKeys } from '../input/key-router.js';
import { useTextField } from '../input/text-field.js';
import { placeholder, theme } from '../theme.js';
import { Choice, cycle } from './choice.js';
import { dialogWidth, Frame } from './dialogs.js';
import { TextFieldView } from './text-field.js';

const ADMIN_CHOICES = ['None', ...ADMIN_PROFILES] as const;
type AdminChoice = (typeof ADMIN_CHOICES)[number];
const toAdmin = (c: AdminChoice): AdminProfile | null => (c === 'None' ? null : c);

export interface ProfileValues {
  userProfile: UserProfile;
  adminProfile: AdminProfile | null;
}

export function InviteDialog(props: {
  width: number;
  busy: boolean;
  error: string | null;
  onSubmit: (v: ProfileValues & { email: string }) => void;
  onCancel: () => void;
}) {
  const t = theme();
  const email = useTextField('');
  const [field, setField] = useState(0);
  const [userProfile, setUserProfile] = useState<UserProfile>('Default');
  const [admin, setAdmin] = useState<AdminChoice>('None');
  useKeys(LAYER.dialog, (input, key) => {
    if (props.busy) return;
    if (key.escape) props.onCancel();
    else if (key.tab || key.downArrow) setField((f) => (f + (key.shift ? 2 : 1)) % 3);
    else if (key.upArrow) setField((f) => (f + 2) % 3);
    else if (key.return) props.onSubmit({ email: email.latest().trim(), userProfile, adminProfile: toAdmin(admin) });
    else if (field === 0) return email.handle(input, key) ? SAME : true;
    else if (field === 1 && (key.leftArrow || key.rightArrow))
      setUserProfile((v) => cycle(USER_PROFILES, v, key.leftArrow ? -1 : 1));
    else if (field === 2 && (key.leftArrow || key.rightArrow))
      setAdmin((v) => cycle(ADMIN_CHOICES, v, key.leftArrow ? -1 : 1));
  });
  return (
    <Frame
      title="Invite a user"
      width={props.width}
      footer="Tab/↑↓ field · ←/→ choose · Enter invites · Esc cancels"
      error={props.error}
      busy={props.busy}
    >
      <Box>
        <Text
          color={field === 0 ? t.accent : undefined}
          bold={field === 0}
        >{`${field === 0 ? '›' : ' '} Email: `}</Text>
        <TextFieldView
          field={email}
          focused={field === 0}
          placeholder={placeholder('name@example.com')}
          width={dialogWidth(props.width) - 13}
        />
      </Box>
      <Choice label="User profile" options={USER_PROFILES} value={userProfile} focused={field === 1} />
      <Choice label="Admin profile" options={ADMIN_CHOICES} value={admin} focused={field === 2} />
    </Frame>
  );
}

export function EditProfilesDialog(props: {
  user: PublicUser;
  width: number;
  busy: boolean;
  error: string | null;
  onSubmit: (v: ProfileValues) => void;
  onCancel: () => void;
}) {
  const [field, setField] = useState(0);
  const [userProfile, setUserProfile] = useState<UserProfile>(props.user.userProfile);
  const [admin, setAdmin] = useState<AdminChoice>(props.user.adminProfile ?? 'None');
  useKeys(LAYER.dialog, (_input, key) => {
    if (props.busy) return;
    if (key.escape) props.onCancel();
    else if (key.tab || key.downArrow || key.upArrow) setField((f) => 1 - f);
    else if (key.leftArrow || key.rightArrow) {
      const d = key.leftArrow ? -1 : 1;
      if (field === 0) setUserProfile((v) => cycle(USER_PROFILES, v, d));
      else setAdmin((v) => cycle(ADMIN_CHOICES, v, d));
    } else if (key.return) props.onSubmit({ userProfile, adminProfile: toAdmin(admin) });
  });
  return (
    <Frame
      title={`Edit profiles · ${props.user.email}`}
      width={props.width}
      footer="↑↓ field · ←/→ choose · Enter saves · Esc cancels"
      error={props.error}
      busy={props.busy}
    >
      <Choice label="User profile" options={USER_PROFILES} value={userProfile} focused={field === 0} />
      <Choice label="Admin profile" options={ADMIN_CHOICES} value={admin} focused={field === 1} />
    </Frame>
  );
}
