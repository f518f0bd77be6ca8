import type { CredentialField } from '../integrations/definition.js';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Headers of every page here: nothing but inline styles, no framing, no referrer. */
export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'cache-control': 'no-store',
};

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;background:#f5f6f8;color:#1b1f24;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;border-radius:12px;box-shadow:0 2px 12px #0001;padding:32px;width:min(420px,92vw)}
h1{font-size:20px;margin:0 0 4px}p.sub{color:#5b6470;margin:0 0 20px}
label{display:block;font-weight:600;margin:14px 0 4px}small{display:block;color:#5b6470;font-weight:400}
input,select{width:100%;box-sizing:border-box;padding:9px 10px;border:1px solid #c5ccd6;border-radius:8px;font:inherit}
input:focus,select:focus{outline:2px solid #2f6fed;border-color:#2f6fed}
button{margin-top:22px;width:100%;padding:10px;border:0;border-radius:8px;background:#2f6fed;color:#fff;font:inherit;font-weight:600;cursor:pointer}
.error{background:#fdecec;color:#9b1c1c;border-radius:8px;padding:10px 12px;margin:12px 0}
.field-error{color:#9b1c1c;font-size:14px}
</style></head><body><main>${body}</main></body></html>`;
}

export interface FormPage {
  label: string;
  integrationName: string;
  fields: CredentialField[];
  oauth: boolean;
  action: string;
  values?: Record<string, string>;
  errors?: Record<string, string>;
  message?: string;
}

function input(field: CredentialField, value: string, error: string | undefined): string {
  const id = `f-${field.name}`;
  const required = field.required ? ' required' : '';
  const described = error ? ` aria-invalid="true" aria-describedby="${escapeHtml(id)}-error"` : '';
  let control: string;
  if (field.type === 'single_select') {
    const options = (field.options ?? []).map((o) => (typeof o === 'string' ? { label: o, value: o } : o));
    control = `<select id="${escapeHtml(id)}" name="${escapeHtml(field.name)}"${required}${described}>${options
      .map((o) => `<option value="${escapeHtml(o.value)}"${o.value === value ? ' selected' : ''}>${escapeHtml(o.label)}</option>`)
      .join('')}</select>`;
  } else {
    const type = field.type === 'password' ? 'password' : 'text';
    // Password values are never echoed back into the page.
    const shown = field.type === 'password' ? '' : value;
    control = `<input id="${escapeHtml(id)}" name="${escapeHtml(field.name)}" type="${type}" value="${escapeHtml(shown)}" autocomplete="off"${required}${described}>`;
  }
  return `<label for="${escapeHtml(id)}">${escapeHtml(field.label ?? field.name)}${field.help_text ? `<small>${escapeHtml(field.help_text)}</small>` : ''}</label>${control}${
    error ? `<div class="field-error" id="${escapeHtml(id)}-error">${escapeHtml(error)}</div>` : ''
  }`;
}

/** The hosted form that collects a connection's credentials (seed 003's embedded-credentials use). */
export function renderForm(page: FormPage): string {
  const fields = page.fields.map((f) => input(f, page.values?.[f.name] ?? (typeof f.default === 'string' ? f.default : ''), page.errors?.[f.name])).join('');
  const button = page.oauth ? `Connect with ${page.label}` : `Connect ${page.label}`;
  return layout(
    `Connect ${page.label}`,
    `<h1>Connect ${escapeHtml(page.label)}</h1><p class="sub">${escapeHtml(page.oauth ? 'You will be sent to sign in and approve access.' : 'Enter the credentials Switchyard will use.')}</p>${
      page.message ? `<div class="error" role="alert">${escapeHtml(page.message)}</div>` : ''
    }<form method="post" action="${escapeHtml(page.action)}">${fields}<button type="submit">${escapeHtml(button)}</button></form>`,
  );
}

export function renderMessage(title: string, text: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1><p class="sub">${escapeHtml(text)}</p>`);
}
