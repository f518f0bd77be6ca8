import { useId, useRef } from 'react';

export interface EditorProblem {
  line: number;
  message: string;
}

/** A textarea with line numbers; lines with problems are marked in the gutter and listed below. */
export function JsonEditor({ label, value, onChange, problems }: { label: string; value: string; onChange: (text: string) => void; problems: EditorProblem[] }) {
  const id = useId();
  const gutter = useRef<HTMLDivElement>(null);
  const count = value.split('\n').length;
  const bad = new Set(problems.map((p) => p.line));
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="editor">
        <div className="gutter" ref={gutter} aria-hidden="true">
          {Array.from({ length: count }, (_, i) => (
            <div key={i} className={bad.has(i + 1) ? 'bad' : undefined}>
              {bad.has(i + 1) ? `! ${i + 1}` : i + 1}
            </div>
          ))}
        </div>
        <textarea
          id={id}
          className="code"
          spellCheck={false}
          value={value}
          rows={Math.min(Math.max(count + 1, 16), 40)}
          aria-invalid={problems.length > 0}
          aria-describedby={`${id}-problems`}
          onChange={(event) => onChange(event.target.value)}
          onKeyDown={(event) => {
            // Tab indents (two spaces); Escape then Tab leaves the editor, so keyboard users are not trapped.
            if (event.key === 'Tab' && !event.shiftKey && !event.currentTarget.dataset.escaped) {
              event.preventDefault();
              const area = event.currentTarget;
              const start = area.selectionStart;
              const next = `${value.slice(0, start)}  ${value.slice(area.selectionEnd)}`;
              onChange(next);
              requestAnimationFrame(() => area.setSelectionRange(start + 2, start + 2));
            }
            if (event.key === 'Escape') event.currentTarget.dataset.escaped = '1';
            else if (event.key !== 'Tab') delete event.currentTarget.dataset.escaped;
          }}
        />
      </div>
      <small className="hint">Tab indents; press Escape then Tab to leave the editor.</small>
      <ul id={`${id}-problems`} className="problems" aria-live="polite">
        {problems.map((problem, i) => (
          <li key={i}>
            Line {problem.line}: {problem.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
