import { useId, type ChangeEvent } from 'react';

/** Labelled form rows for the settings forms: the label is always tied to its control. */
export function SelectRow({
  label,
  name,
  value,
  options,
  onChange,
}: {
  label: string;
  name: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <div className="field-row">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} value={value} onChange={event => onChange(event.target.value)}>
        {options.map(option => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function CheckboxRow({
  label,
  name,
  checked,
  onChange,
}: {
  label: string;
  name: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  const id = useId();
  return (
    <div className="field-row field-row-check">
      <input
        id={id}
        name={name}
        type="checkbox"
        checked={checked}
        onChange={event => onChange(event.target.checked)}
      />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

export function NumberRow({
  label,
  name,
  value,
  error,
  onChange,
  step = 1,
  hint,
}: {
  label: string;
  name: string;
  value: string;
  error: string | undefined;
  onChange: (event: ChangeEvent<HTMLInputElement>) => void;
  step?: number;
  hint?: string | undefined;
}) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? errorId : undefined, hint ? hintId : undefined].filter(Boolean).join(' ');
  return (
    <div className="field-row">
      <label htmlFor={id}>{label}</label>
      <div className="field">
        <input
          id={id}
          name={name}
          type="number"
          inputMode="decimal"
          step={step}
          value={value}
          onChange={onChange}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy || undefined}
        />
        {error && (
          <span id={errorId} className="field-error">
            {error}
          </span>
        )}
        {hint && !error && (
          <span id={hintId} className="muted field-hint">
            {hint}
          </span>
        )}
      </div>
    </div>
  );
}

export function TextRow({
  label,
  name,
  value,
  error,
  onChange,
  type = 'text',
}: {
  label: string;
  name: string;
  value: string;
  error: string | undefined;
  onChange: (event: ChangeEvent<HTMLInputElement>) => void;
  type?: 'text' | 'url';
}) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className="field-row">
      <label htmlFor={id}>{label}</label>
      <div className="field">
        <input
          id={id}
          name={name}
          type={type}
          value={value}
          onChange={onChange}
          spellCheck={false}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
        />
        {error && (
          <span id={errorId} className="field-error">
            {error}
          </span>
        )}
      </div>
    </div>
  );
}
