import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface LegendItem {
  label: string;
  /** The current value as text; null when the readout has none. */
  value: string | null;
  /** The CSS variable of the series' colour. */
  colour: string;
}

/**
 * A chart with its text alternative: a caption that names it and gives every series' current
 * value, which is also the figure's accessible name.
 */
export function ChartFigure({
  title,
  legend,
  children,
}: {
  title: string;
  legend: LegendItem[];
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const captionId = useId();
  return (
    <figure className="chart-figure" aria-labelledby={captionId}>
      {children}
      <figcaption id={captionId}>
        <span className="chart-title">{title}</span>
        <ul className="chart-legend">
          {legend.map(item => (
            <li key={item.label}>
              <span className="swatch" style={{ background: `var(${item.colour})` }} aria-hidden="true" />
              <span>{item.label}</span>
              {item.value === null ? (
                <strong>
                  <span aria-hidden="true">—</span>
                  <span className="visually-hidden">{t('readouts.noValue')}</span>
                </strong>
              ) : (
                <strong>{item.value}</strong>
              )}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
