import { useMemo } from 'react';
import { CheckboxField, SelectField, TextField } from '../../components/fields';
import { describeCron, timeZones } from './format';

export interface ScheduleDraft {
  enabled: boolean;
  cron: string;
  timezone: string;
}

export const PRESETS: Array<{ label: string; cron: string }> = [
  { label: 'Every 15 minutes', cron: '*/15 * * * *' },
  { label: 'Every hour', cron: '0 * * * *' },
  { label: 'Every 4 hours', cron: '0 */4 * * *' },
  { label: 'Every day at 06:00', cron: '0 6 * * *' },
  { label: 'Weekdays at 09:00', cron: '0 9 * * 1-5' },
];

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Cron expression + IANA time zone; the server checks both and computes the next run. */
export function ScheduleFields({ value, onChange, problems = {} }: { value: ScheduleDraft; onChange: (next: ScheduleDraft) => void; problems?: { schedule?: string; timezone?: string } }) {
  const zones = useMemo(() => {
    const all = timeZones();
    return all.includes(value.timezone) ? all : [value.timezone, ...all];
  }, [value.timezone]);
  const preset = PRESETS.find((p) => p.cron === value.cron.trim())?.cron ?? '';
  const reading = value.cron.trim() ? describeCron(value.cron) : null;
  return (
    <div>
      <CheckboxField label="Run on a schedule" checked={value.enabled} onChange={(e) => onChange({ ...value, enabled: e.target.checked })} />
      {value.enabled ? (
        <div className="schedule-grid">
          <SelectField label="Preset" value={preset} onChange={(e) => e.target.value && onChange({ ...value, cron: e.target.value })}>
            <option value="">Custom…</option>
            {PRESETS.map((p) => (
              <option key={p.cron} value={p.cron}>
                {p.label}
              </option>
            ))}
          </SelectField>
          <TextField
            label="Cron expression"
            name="schedule"
            value={value.cron}
            required
            spellCheck={false}
            aria-invalid={problems.schedule ? true : undefined}
            onChange={(e) => onChange({ ...value, cron: e.target.value })}
            hint={problems.schedule ? <span className="field-problem">{problems.schedule}</span> : (reading ?? 'min hour day month weekday (5 fields), or seconds first (6).')}
          />
          <SelectField
            label="Time zone"
            name="timezone"
            value={value.timezone}
            aria-invalid={problems.timezone ? true : undefined}
            onChange={(e) => onChange({ ...value, timezone: e.target.value })}
            hint={problems.timezone ? <span className="field-problem">{problems.timezone}</span> : 'The schedule fires in this zone (daylight saving included).'}
          >
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </SelectField>
        </div>
      ) : (
        <p className="muted small">Without a schedule, the flow runs when you press “Run now”.</p>
      )}
    </div>
  );
}
