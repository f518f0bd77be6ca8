import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { useAction, useResource } from '../../api/hooks';
import type { CatalogItem, Integration } from '../../api/types';
import { type EditorProblem, JsonEditor } from '../../components/JsonEditor';
import { CheckboxField, SelectField, TextField } from '../../components/fields';
import { Badge, Empty, ErrorMessage, PageHeader, ResourceView } from '../../components/states';
import { JsonSyntaxError, lineOf, parseJsonWithLines } from '../../lib/json-lines';
import { useNavigate } from '../../router';

const STARTER = `{
  "$schema": "/schemas/integration.json",
  "base_url": "https://api.example.com/v1",
  "credentials": {
    "format": "api_key",
    "config": {
      "fields": [
        { "name": "api_key", "label": "API key", "type": "password", "required": true }
      ]
    }
  },
  "authorization": { "format": "bearer", "config": { "token": "{{credentials.api_key}}" } },
  "resources": {
    "users": {
      "list": { "method": "get", "path": "/users", "response_path": "users" }
    }
  }
}
`;

export function NewIntegrationPage() {
  const [tab, setTab] = useState<'catalog' | 'json'>('catalog');
  return (
    <>
      <PageHeader title="New integration" />
      <div className="tabs" role="tablist" aria-label="How to create">
        <button type="button" role="tab" aria-selected={tab === 'catalog'} onClick={() => setTab('catalog')}>
          From the catalogue
        </button>
        <button type="button" role="tab" aria-selected={tab === 'json'} onClick={() => setTab('json')}>
          From JSON
        </button>
      </div>
      <div role="tabpanel">{tab === 'catalog' ? <FromCatalog /> : <FromJson />}</div>
    </>
  );
}

function FromCatalog() {
  const navigate = useNavigate();
  const [filter, setFilter] = useState('');
  const catalog = useResource((signal) => api.get<CatalogItem[]>('/v1/catalog', undefined, signal), []);
  const add = useAction(async (name: string) => {
    const created = await api.post<Integration>('/integration', { from_catalog: name });
    navigate(`/integrations/${created.id}`);
  });
  return (
    <>
      <TextField label="Filter the catalogue" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="name or category" />
      {add.error ? <ErrorMessage error={add.error} /> : null}
      <ResourceView resource={catalog} isEmpty={(items) => items.length === 0} empty={<Empty title="The catalogue is empty." />}>
        {(items) => {
          const shown = items.filter((item) => `${item.name} ${item.label ?? ''} ${item.category}`.toLowerCase().includes(filter.toLowerCase()));
          if (shown.length === 0) return <Empty title={`Nothing in the catalogue matches "${filter}".`} />;
          return (
            <ul className="grid" aria-label="Catalogue">
              {shown.map((item) => (
                <li key={item.name} className="card">
                  <h3>{item.label ?? item.name}</h3>
                  <div className="row small">
                    <Badge>{item.category}</Badge>
                    {item.is_beta ? <Badge tone="warn">beta</Badge> : null}
                    {item.credentials.map((c) => (
                      <Badge key={c} tone="info">
                        {c}
                      </Badge>
                    ))}
                  </div>
                  <p className="small">{item.description}</p>
                  <p className="small muted">Resources: {item.resources.join(', ') || '—'}</p>
                  <button type="button" className="primary" disabled={add.pending} onClick={() => void add.run(item.name)} aria-label={`Add ${item.label ?? item.name}`}>
                    Add
                  </button>
                </li>
              ))}
            </ul>
          );
        }}
      </ResourceView>
    </>
  );
}

/** Validates the text as the user types: JSON syntax here, then the published schema and rules on the server. */
function useValidation(text: string): { problems: EditorProblem[]; checking: boolean; config: unknown } {
  const [state, setState] = useState<{ problems: EditorProblem[]; checking: boolean; config: unknown }>({ problems: [], checking: true, config: undefined });
  useEffect(() => {
    let parsed: ReturnType<typeof parseJsonWithLines>;
    try {
      parsed = parseJsonWithLines(text);
    } catch (error) {
      if (error instanceof JsonSyntaxError) setState({ problems: [{ line: error.line, message: error.message }], checking: false, config: undefined });
      return undefined;
    }
    setState((s) => ({ ...s, checking: true }));
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api
        .post<{ valid: boolean; errors: { field: string; message: string }[] }>('/integration/validate', { config: parsed.value })
        .then((result) => {
          if (controller.signal.aborted) return;
          const problems = result.errors.map((e) => ({ line: lineOf(parsed.lines, e.field), message: `${e.field.replace(/^config\.?/, '') || '(root)'} ${e.message}` }));
          setState({ problems, checking: false, config: parsed.value });
        })
        .catch((error: unknown) => {
          if (!controller.signal.aborted) setState({ problems: [{ line: 1, message: error instanceof Error ? error.message : String(error) }], checking: false, config: undefined });
        });
    }, 300);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [text]);
  return state;
}

function FromJson() {
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [category, setCategory] = useState('other');
  const [sharing, setSharing] = useState<'allow' | 'ask' | 'deny'>('ask');
  const [beta, setBeta] = useState(false);
  const [text, setText] = useState(STARTER);
  const validation = useValidation(text);
  const create = useAction(async () => {
    const created = await api.post<Integration>('/integration', { name, category, sharing, is_beta: beta, config: validation.config });
    navigate(`/integrations/${created.id}`);
  });
  const ready = !validation.checking && validation.problems.length === 0 && name.trim() !== '';
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (ready) void create.run();
      }}
    >
      <div className="columns">
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} required placeholder="my_crm" />
        <TextField label="Category" value={category} onChange={(e) => setCategory(e.target.value)} required />
        <SelectField label="Sharing" value={sharing} onChange={(e) => setSharing(e.target.value as 'allow' | 'ask' | 'deny')}>
          <option value="allow">allow</option>
          <option value="ask">ask</option>
          <option value="deny">deny</option>
        </SelectField>
        <CheckboxField label="Beta" checked={beta} onChange={(e) => setBeta(e.target.checked)} />
      </div>
      <JsonEditor label="Definition (JSON, checked against /schemas/integration.json as you type)" value={text} onChange={setText} problems={validation.problems} />
      <p className="small" aria-live="polite">
        {validation.checking ? 'Checking…' : validation.problems.length === 0 ? <Badge tone="good">valid</Badge> : <Badge tone="bad">{`${validation.problems.length} problem${validation.problems.length === 1 ? '' : 's'}`}</Badge>}
      </p>
      {create.error ? <ErrorMessage error={create.error} /> : null}
      <button type="submit" className="primary" disabled={!ready || create.pending}>
        Create integration
      </button>
    </form>
  );
}
