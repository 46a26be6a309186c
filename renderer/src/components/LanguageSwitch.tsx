import { Select } from 'antd';
import { GlobalOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, currentLanguage, setLanguage, type Language } from '../i18n.ts';

/** Each language is named in itself, so someone who cannot read the current one can still find theirs. */
export function LanguageSwitch({ variant = 'outlined' }: { variant?: 'outlined' | 'borderless' }) {
  const { t } = useTranslation();
  return (
    <Select<Language>
      data-testid="language-switch"
      aria-label={t('ui:language.label')}
      value={currentLanguage()}
      onChange={(lng) => void setLanguage(lng)}
      variant={variant}
      prefix={<GlobalOutlined />}
      popupMatchSelectWidth={false}
      options={LANGUAGES.map((lng) => ({ value: lng, label: t(`ui:language.${lng}`) }))}
      style={{ minWidth: 132 }}
    />
  );
}
