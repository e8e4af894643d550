/**
 * An on/off switch as macOS draws it: a button with `role="switch"`, so Space and Enter flip it
 * and assistive technology hears its label and state.
 */
export function Switch({
  checked,
  labelledBy,
  describedBy,
  disabled = false,
  onChange,
}: {
  checked: boolean;
  labelledBy: string;
  describedBy?: string;
  disabled?: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <button
      type="button"
      role="switch"
      className="switch"
      aria-checked={checked}
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      disabled={disabled}
      onClick={() => onChange(!checked)}
    >
      <span className="switch-thumb" aria-hidden="true" />
    </button>
  );
}
