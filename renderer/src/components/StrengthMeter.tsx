import { Flex, Progress, Typography, theme } from 'antd';
import { useTranslation } from 'react-i18next';
import { passphraseStrength, type StrengthLevel } from '../passphrase.ts';

const STEPS: Record<StrengthLevel, number> = { too_short: 0, weak: 1, fair: 2, strong: 3, very_strong: 4 };

export function StrengthMeter({ value }: { value: string }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const s = passphraseStrength(value);
  const colors: Record<StrengthLevel, string> = {
    too_short: token.colorError,
    weak: token.colorError,
    fair: token.colorWarning,
    strong: token.colorSuccess,
    very_strong: token.colorSuccess,
  };
  return (
    <Flex align="center" gap={12} data-testid="strength-meter" data-level={s.level}>
      <Progress steps={4} percent={STEPS[s.level] * 25} showInfo={false} strokeColor={colors[s.level]} size={[40, 6]} />
      <Typography.Text type="secondary" style={{ fontSize: token.fontSizeSM }}>
        {value ? t(`ui:strength.${s.level}`) : t('ui:strength.empty')}
      </Typography.Text>
    </Flex>
  );
}
