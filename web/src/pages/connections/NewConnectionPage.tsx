import { type FormEvent, useMemo, useState } from 'react';
import { api } from '../../api/client';
import { useAction, useResource } from '../../api/hooks';
import { type Connection, type CredentialField, credentialFormats, type Integration } from '../../api/types';
import { SelectField, TextField } from '../../components/fields';
import { Empty, ErrorMessage, PageHeader, ResourceView } from '../../components/states';
import { Link, useLocation, useNavigate } from '../../router';

type Kind = 'integration' | 'http';

export function NewConnectionPage() {
  const location = useLocation();
  const preselected = location.search.get('integration') ?? '';
  const [kind, setKind] = useState<Kind>(location.search.get('type') === 'http' ? 'http' : 'integration');
  return (
    <>
      <PageHeader title="New connection" />
      <fieldset>
        <legend>Connect to</legend>
        <div className="row">
          <label>
            <input type="radio" name="kind" value="integration" checked={kind === 'integration'} onChange={() => setKind('integration')} /> an integration
          </label>
          <label>
            <input type="radio" name="kind" value="http" checked={kind === 'http'} onChange={() => setKind('http')} /> any HTTP API (http form)
          </label>
        </div>
      </fieldset>
      {kind === 'integration' ? <IntegrationForm preselected={preselected} /> : <HttpForm />}
    </>
  );
}

/** `{{context.x}}` placeholders of a definition: values the user gives per connection (a subdomain…). */
export function contextNames(integration: Integration): string[] {
  const names = new Set<string>();
  for (const match of JSON.stringify(integration.config).matchAll(/\{\{\s*context\.([A-Za-z0-9_]+)/g)) if (match[1]) names.add(match[1]);
  return [...names];
}

function IntegrationForm({ preselected }: { preselected: string }) {
  const navigate = useNavigate();
  const integrations = useResource((signal) => api.get<{ result: Integration[] }>('/integration', { limit: 500 }, signal), []);
  const [integrationId, setIntegrationId] = useState(preselected);
  const [formatIndex, setFormatIndex] = useState(0);
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [context, setContext] = useState<Record<string, string>>({});
  const create = useAction(async (body: Record<string, unknown>) => {
    const created = await api.post<Connection>('/v1/connections', body);
    navigate(`/connections/${created._id}`);
  });

  return (
    <ResourceView
      resource={integrations}
      isEmpty={(data) => data.result.length === 0}
      empty={
        <Empty title="No integrations yet.">
          Add one first (<Link to="/integrations/new">New integration</Link>) or use the http form.
        </Empty>
      }
    >
      {(data) => {
        const integration = data.result.find((i) => i.id === integrationId);
        const formats = integration ? credentialFormats(integration.config) : [];
        const format = formats[formatIndex];
        const fields: CredentialField[] = format?.format === 'api_key' ? format.config.fields : [];
        const contexts = integration ? contextNames(integration) : [];
        const submit = (event: FormEvent) => {
          event.preventDefault();
          if (!integration) return;
          const credentials: Record<string, string> = {};
          for (const field of fields) if ((values[field.name] ?? '') !== '') credentials[field.name] = values[field.name] as string;
          const contextValues = Object.fromEntries(Object.entries(context).filter(([, v]) => v !== ''));
          void create.run({
            type: 'integration',
            name: name.trim() === '' ? integration.config.label ?? integration.name : name,
            _integrationId: integration.id,
            ...(format ? { credentialsFormat: format.format } : {}),
            ...(fields.length > 0 ? { credentials } : {}),
            ...(Object.keys(contextValues).length > 0 ? { context: contextValues } : {}),
          });
        };
        return (
          <form onSubmit={submit} className="card">
            <SelectField
              label="Integration"
              value={integrationId}
              onChange={(e) => {
                setIntegrationId(e.target.value);
                setFormatIndex(0);
                setValues({});
                setContext({});
              }}
              required
            >
              <option value="">Choose…</option>
              {data.result.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.config.label ?? i.name}
                </option>
              ))}
            </SelectField>
            {integration ? (
              <>
                <TextField label="Connection name" value={name} onChange={(e) => setName(e.target.value)} placeholder={integration.config.label ?? integration.name} />
                {formats.length > 1 ? (
                  <SelectField label="Credentials format" value={String(formatIndex)} onChange={(e) => setFormatIndex(Number(e.target.value))}>
                    {formats.map((f, i) => (
                      <option key={f.format} value={i}>
                        {f.format}
                      </option>
                    ))}
                  </SelectField>
                ) : null}
                {format && format.format !== 'api_key' ? (
                  <p className="muted">
                    {format.format === 'oauth2'
                      ? 'This format signs in at the provider: create the connection, then press "Authorize with the provider" on its page.'
                      : 'This format gets its token from the provider by itself (client credentials) on the first call.'}
                  </p>
                ) : null}
                {fields.length > 0 ? (
                  <fieldset>
                    <legend>Credentials</legend>
                    {fields.map((field) => (
                      <CredentialInput key={field.name} field={field} value={values[field.name] ?? ''} onChange={(v) => setValues((old) => ({ ...old, [field.name]: v }))} />
                    ))}
                  </fieldset>
                ) : null}
                {contexts.length > 0 ? (
                  <fieldset>
                    <legend>Account details</legend>
                    {contexts.map((c) => (
                      <TextField key={c} label={c} value={context[c] ?? ''} onChange={(e) => setContext((old) => ({ ...old, [c]: e.target.value }))} required />
                    ))}
                  </fieldset>
                ) : null}
              </>
            ) : null}
            {create.error ? <ErrorMessage error={create.error} /> : null}
            <button type="submit" className="primary" disabled={!integration || create.pending}>
              Create connection
            </button>
          </form>
        );
      }}
    </ResourceView>
  );
}

/** One input per credentials field: password fields are password inputs (secrets), selects are selects. */
export function CredentialInput({ field, value, onChange }: { field: CredentialField; value: string; onChange: (value: string) => void }) {
  const label = `${field.label ?? field.name}${field.required ? ' *' : ''}`;
  const placeholder = field.default === undefined ? undefined : `default: ${String(field.default)}`;
  if (field.type === 'single_select') {
    return (
      <SelectField label={label} value={value} onChange={(e) => onChange(e.target.value)} required={field.required === true} hint={field.help_text}>
        <option value="">{placeholder ?? 'Choose…'}</option>
        {(field.options ?? []).map((option) => {
          const { label: text, value: v } = typeof option === 'string' ? { label: option, value: option } : option;
          return (
            <option key={v} value={v}>
              {text}
            </option>
          );
        })}
      </SelectField>
    );
  }
  return (
    <TextField
      label={label}
      type={field.type === 'password' ? 'password' : 'text'}
      autoComplete={field.type === 'password' ? 'new-password' : 'off'}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      required={field.required === true && field.default === undefined}
      placeholder={placeholder}
      hint={field.help_text}
    />
  );
}

function HttpForm() {
  const navigate = useNavigate();
  const [form, setForm] = useState({ name: '', baseURI: '', mediaType: 'json', auth: 'none', token: '', headerName: 'Authorization', scheme: 'Bearer', location: 'header', paramName: 'token', username: '', password: '', pingURI: '' });
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((old) => ({ ...old, [key]: e.target.value }));
  const create = useAction(async (body: Record<string, unknown>) => {
    const created = await api.post<Connection>('/v1/connections', body);
    navigate(`/connections/${created._id}`);
  });
  const body = useMemo(() => {
    const auth: Record<string, unknown> = { type: form.auth };
    if (form.auth === 'token')
      auth.token = { token: form.token, location: form.location, ...(form.location === 'header' ? { headerName: form.headerName, scheme: form.scheme } : { paramName: form.paramName }) };
    if (form.auth === 'basic') auth.basic = { username: form.username, password: form.password };
    return {
      type: 'http',
      name: form.name,
      http: { baseURI: form.baseURI, mediaType: form.mediaType, auth, ...(form.pingURI ? { ping: { relativeURI: form.pingURI, method: 'GET' } } : {}) },
    };
  }, [form]);
  return (
    <form
      className="card"
      onSubmit={(event) => {
        event.preventDefault();
        void create.run(body);
      }}
    >
      <TextField label="Connection name" value={form.name} onChange={set('name')} required />
      <TextField label="Base URI" type="url" value={form.baseURI} onChange={set('baseURI')} required placeholder="https://api.example.com/v1" />
      <SelectField label="Media type" value={form.mediaType} onChange={set('mediaType')}>
        {['json', 'urlencoded', 'xml', 'csv', 'plaintext'].map((m) => (
          <option key={m}>{m}</option>
        ))}
      </SelectField>
      <SelectField label="Authentication" value={form.auth} onChange={set('auth')}>
        <option value="none">none</option>
        <option value="token">token</option>
        <option value="basic">basic</option>
      </SelectField>
      {form.auth === 'token' ? (
        <fieldset>
          <legend>Token</legend>
          <TextField label="Token" type="password" autoComplete="new-password" value={form.token} onChange={set('token')} required />
          <SelectField label="Send the token in" value={form.location} onChange={set('location')}>
            <option value="header">a header</option>
            <option value="url">the URL</option>
          </SelectField>
          {form.location === 'header' ? (
            <>
              <TextField label="Header name" value={form.headerName} onChange={set('headerName')} />
              <TextField label="Scheme" value={form.scheme} onChange={set('scheme')} />
            </>
          ) : (
            <TextField label="Query parameter" value={form.paramName} onChange={set('paramName')} />
          )}
        </fieldset>
      ) : null}
      {form.auth === 'basic' ? (
        <fieldset>
          <legend>Basic</legend>
          <TextField label="Username" value={form.username} onChange={set('username')} required />
          <TextField label="Password" type="password" autoComplete="new-password" value={form.password} onChange={set('password')} required />
        </fieldset>
      ) : null}
      <TextField label="Ping relative URI" value={form.pingURI} onChange={set('pingURI')} placeholder="/me" hint="What Ping requests (GET); empty: the base URI." />
      {create.error ? <ErrorMessage error={create.error} /> : null}
      <button type="submit" className="primary" disabled={create.pending}>
        Create connection
      </button>
    </form>
  );
}
