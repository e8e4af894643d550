import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { UninstallDialog } from './UninstallDialog';

/** Settings: "Uninstall Clawbar…", which opens the dialog that lists exactly what goes. */
export function UninstallSection() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <section className="card settings-section" aria-labelledby="uninstall-title">
      <h2 id="uninstall-title">{t('uninstall.title')}</h2>
      <p className="muted">{t('uninstall.body')}</p>
      <div className="form-actions">
        <button type="button" className="button" onClick={() => setOpen(true)}>
          {t('uninstall.open')}
        </button>
      </div>
      {open && <UninstallDialog onClose={() => setOpen(false)} />}
    </section>
  );
}
