/// <reference lib="dom" />
/**
 * The operator console: a single page that signs its API calls with the
 * operator's keys (api.ts) and shows that ministry's view — the keys decide
 * which (sign-in.ts): dashboard (dashboard.ts, charts.ts), people (dossier,
 * lineage, accesses; dossier.ts) and the exchange's health, dead letters and
 * contract breaches. Everything shown goes through the pure modules beside
 * this one, so names, dates and numbers read the same everywhere.
 */
import type { Chart } from 'chart.js';
import { ApiError, callApi, type Json, type Keys } from './api.ts';
import { catalogPage } from './catalog-page.ts';
import { chartHtml, drawChart, esc, nameHtml } from './charts.ts';
import { dashboardFor, type StatsAnswer } from './dashboard.ts';
import { type Field, profileFields, recordReference, recordView } from './dossier.ts';
import { formatCount, formatMoment, formatNumber } from './format.ts';
import { eventTypeName, ministryName, sourceName } from './labels.ts';
import { type Caller, keysProblem, ministryOf } from './sign-in.ts';

interface Session extends Keys {
  readonly ministry: string;
}

const app = document.getElementById('app')!;
const charts: Chart[] = [];
let session: Session | undefined = JSON.parse(sessionStorage.getItem('mx-session') ?? 'null') ?? undefined;

function api(path: string, query: Record<string, string> = {}, method = 'GET'): Promise<Json> {
  if (!session) return Promise.reject(new ApiError(401, 'sign in first'));
  return callApi(session, path, query, method);
}

function showError(target: HTMLElement, error: unknown): void {
  const message =
    error instanceof ApiError && error.status === 401
      ? 'Your session has no credentials; sign in again.'
      : (error as Error).message;
  target.innerHTML = `<div class="error" role="alert">${esc(message)}</div>`;
}

const id = (text: unknown) => `<code class="id">${esc(text)}</code>`;
const tableWrap = (html: string) => `<div class="table-wrap">${html}</div>`;

const tile = (label: string, value: number, note?: string, format: (n: number) => string = formatCount) =>
  `<div class="tile"><div class="value" data-tile="${esc(label)}">${esc(format(value))}</div><div class="label">` +
  `${esc(label)}</div>${note ? `<div class="note" data-note="${esc(label)}">${esc(note)}</div>` : ''}</div>`;

function fieldValueHtml(f: Field): string {
  return f.id ? id(f.text) : nameHtml({ text: f.text, ...(f.code ? { code: f.code } : {}) });
}

function fieldsTable(fields: readonly Field[]): string {
  return `<table class="fields"><tbody>${fields
    .map((f) => `<tr><th scope="row">${esc(f.label)}</th><td>${fieldValueHtml(f)}</td></tr>`)
    .join('')}</tbody></table>`;
}

function yearOptions(): string {
  const thisYear = new Date().getUTCFullYear();
  const years: number[] = [];
  for (let y = thisYear; y >= 2021; y--) years.push(y);
  return years.map((y) => `<option${y === 2021 ? ' selected' : ''}>${y}</option>`).join('');
}

async function dashboard(): Promise<void> {
  app.innerHTML =
    `<div class="card controls"><div><label for="year">Year</label><select id="year">${yearOptions()}</select>` +
    `</div>
    <div><label for="asOf">Up to and including (optional)</label>` +
    `<input type="date" id="asOf" min="2021-01-01" max="2021-12-31"></div>
    <p class="hint">Period figures count from 1 January to this day, and figures “in force” are counted on ` +
    `it. Left empty: the whole year.</p></div>
    <div id="dash"><p class="empty">Loading figures…</p></div>`;
  const year = document.getElementById('year') as HTMLSelectElement;
  const asOf = document.getElementById('asOf') as HTMLInputElement;
  const render = async () => {
    const target = document.getElementById('dash')!;
    for (const c of charts.splice(0)) c.destroy();
    try {
      const stats = (await api(
        `/api/views/${session!.ministry}/stats`,
        asOf.value ? { asOf: asOf.value } : { year: year.value },
      )) as unknown as StatsAnswer;
      const view = dashboardFor(session!.ministry, stats);
      const empty = view.tiles.every((t) => !t.value);
      target.innerHTML =
        (empty
          ? '<p class="empty">Nothing has been recorded for this period yet. Publish events or run <code>npx mx ' +
            'simulate --year 2021 --scale 0.01</code>.</p>'
          : '') +
        (`<div class="tiles">${view.tiles.map((t) => tile(t.label, t.value, t.note)).join('')}</div>` +
          `<div class="grid">${view.charts.map((spec, i) => chartHtml(spec, i)).join('')}</div>`);
      view.charts.forEach((spec, i) => {
        const drawn = drawChart(spec, i);
        if (drawn) charts.push(drawn);
      });
    } catch (error) {
      showError(target, error);
    }
  };
  year.addEventListener('change', () => {
    asOf.value = '';
    asOf.min = `${year.value}-01-01`;
    asOf.max = `${year.value}-12-31`;
    void render();
  });
  asOf.addEventListener('change', () => void render());
  await render();
}

const READS: Readonly<Record<string, string>> = {
  person: 'Dossier',
  lineage: 'Lineage',
  accesses: 'Who accessed the data',
};

/** "arn:aws:sts::…:assumed-role/mx-operator-labour/local" → "mx-operator-labour (local)", the whole ARN on hover. */
function operatorHtml(arn: string): string {
  const assumed = /:assumed-role\/([^/]+)\/(.+)$/.exec(arn);
  return `<code class="id" title="${esc(arn)}">${esc(assumed ? `${assumed[1]} (${assumed[2]})` : arn)}</code>`;
}

interface LineageEvent {
  eventId: string;
  type: string;
  source: string;
  occurredAt: string;
  causationId?: string;
  records: string[];
}

interface Access {
  readAt: string;
  ministry: string;
  what: string;
  purpose: string;
  operator: string;
}

function recordHtml(r: ReturnType<typeof recordView>): string {
  return (
    `<section class="record"><h3>${esc(r.heading)}${r.key ? ` ${id(r.key)}` : ''}</h3>` +
    `${fieldsTable(r.fields)}</section>`
  );
}

function recordReferenceHtml(sk: string): string {
  const ref = recordReference(sk);
  return `${esc(ref.kind)}${ref.parts.map((p) => ` ${/^[A-Z0-9][A-Z0-9-]+$/.test(p) ? id(p) : esc(p)}`).join('')}`;
}

function lineageItemHtml(e: LineageEvent): string {
  const touched = e.records.map(recordReferenceHtml);
  const when = `<time datetime="${esc(e.occurredAt)}">${esc(formatMoment(e.occurredAt))}</time>`;
  const cause = e.causationId ? `caused by event ${id(e.causationId)} · ` : '';
  const type = `<strong title="${esc(e.type)}">${esc(eventTypeName(e.type))}</strong>`;
  return (
    `<li>${type} · ${when} · ${nameHtml(sourceName(e.source))}\n          ` +
    `<div class="caused">${cause}event ${id(e.eventId)}</div>` +
    `<div class="caused">changed: ${touched.join('; ')}</div></li>`
  );
}

function accessRowHtml(a: Access): string {
  const when = `<time datetime="${esc(a.readAt)}">${esc(formatMoment(a.readAt))}</time>`;
  const read = esc(READS[a.what] ?? a.what);
  return (
    `<tr><td>${when}</td><td>${esc(ministryName(a.ministry))}</td><td>${read}</td><td>${esc(a.purpose)}</td>` +
    `<td>${operatorHtml(a.operator)}</td></tr>`
  );
}

function dossierHtml(dossier: Json, lineage: Json, accesses: Json): string {
  const records = (dossier.records as { kind: string; key: string; state: Record<string, unknown> }[]).map(recordView);
  const events = lineage.events as LineageEvent[];
  const reads = accesses.accesses as Access[];
  const accessHead = '<tr><th>When</th><th>Ministry</th><th>Read</th><th>Purpose</th><th>Operator</th></tr>';
  const lineageItems = events.map(lineageItemHtml).join('');
  const accessRows = reads.map(accessRowHtml).join('');
  return `
    <div class="card" id="dossier"><h2>Dossier · ${esc(ministryName(session!.ministry))} view</h2>
      ${fieldsTable(profileFields(dossier.profile as Record<string, unknown>))}
      <h2 class="section">Records</h2>
      ${
        records.length
          ? `<div class="records">${records.map(recordHtml).join('')}</div>`
          : '<p class="empty">No records.</p>'
      }
    </div>
    <div class="card" id="lineage"><h2>Lineage</h2><ol class="timeline">${lineageItems}</ol></div>
    <div class="card" id="accesses"><h2>Who accessed this person’s data</h2>
      ${tableWrap(`<table><thead>${accessHead}</thead><tbody>${accessRows}</tbody></table>`)}</div>`;
}

async function people(): Promise<void> {
  app.innerHTML =
    `<form class="card" id="search"><h2>Find a person</h2>
    <div class="row"><div><label for="citizenship">Citizenship (ISO 3166 alpha-3 code)</label>` +
    `<input id="citizenship" placeholder="e.g. UZB, CHN, TUR" autocapitalize="characters"></div><div>` +
    `<label for="document">Travel document number</label><input id="document" placeholder="as printed in the ` +
    `passport" autocapitalize="characters"></div><div><label for="iin">or IIN</label>` +
    `<input id="iin" placeholder="12 digits" inputmode="numeric"></div></div>
    <label for="purpose">Purpose of this look-up (recorded in the access ledger)</label>` +
    `<input id="purpose" placeholder="e.g. work permit review 2021/123">
    <button class="primary" type="submit">Search</button></form><div id="result"></div>`;
  document.getElementById('search')!.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = (field: string) => (document.getElementById(field) as HTMLInputElement).value.trim();
    const target = document.getElementById('result')!;
    const who: Record<string, string> = value('iin')
      ? { iin: value('iin') }
      : { citizenship: value('citizenship'), document: value('document') };
    if (!value('purpose'))
      return showError(
        target,
        new Error('Give the purpose of the look-up: every read of a person\u2019s data is recorded with its purpose.'),
      );
    target.innerHTML = '<p class="empty">Searching…</p>';
    try {
      const base = `/api/views/${session!.ministry}`;
      const dossier = await api(`${base}/person`, { ...who, purpose: value('purpose') });
      const lineage = await api(`${base}/lineage`, { ...who, purpose: `${value('purpose')} (lineage)` });
      const accesses = await api(`${base}/accesses`, { ...who, purpose: `${value('purpose')} (accesses)` });
      target.innerHTML = dossierHtml(dossier, lineage, accesses);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404)
        target.innerHTML =
          `<p class="empty">The ${esc(ministryName(session!.ministry))} view holds no records for this person. ` +
          `(The look-up was still recorded in the access ledger.)</p>`;
      else showError(target, error);
    }
  });
}

const tableHtml = (head: string, rows: readonly string[]) =>
  `<table><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;

const SUBSCRIPTION_HEAD =
  '<tr><th>Subscription</th><th class="num">Queue depth</th><th class="num">In flight</th>' +
  '<th class="num">Dead letters</th><th class="num">Delivered</th><th class="num">Failed</th></tr>';
const DEAD_LETTER_HEAD =
  '<tr><th>Queue</th><th>Event</th><th class="num">Receives</th><th>Parked</th><th>Reason</th><th></th></tr>';
const BREACH_HEAD = '<tr><th>Received</th><th>Source</th><th>Event</th><th>Breach</th><th>First problem</th></tr>';

function subscriptionRowHtml(s: Json): string {
  const counts = ['visible', 'inFlight', 'deadLetters', 'delivered', 'failed'].map(
    (k) => `<td class="num">${formatCount(Number(s[k] ?? 0))}</td>`,
  );
  return `<tr><td>${id(s.subscription)}</td>${counts.join('')}</tr>`;
}

function deadLetterRowHtml(d: Json): string {
  return (
    `<tr><td>${id(d.queue)}</td><td>${esc(eventTypeName(String(d.detailType ?? '')))}<br>${id(d.eventId)}</td>` +
    `<td class="num">${formatCount(Number(d.receiveCount ?? 0))}</td>` +
    `<td>${esc(formatMoment(String(d.deadLetteredAt ?? '')))}</td><td>${esc(d.error)}</td>` +
    `<td><button class="small" data-redrive="${esc(d.queue)}">Redrive</button></td></tr>`
  );
}

function breachRowHtml(b: Json): string {
  const issues = (b.issues as { path: string; message: string }[] | undefined) ?? [];
  const more = Number(b.issueCount ?? 0) > 1 ? ` (+${formatCount(Number(b.issueCount) - 1)} more)` : '';
  const first = issues[0] ? `${issues[0].path}: ${issues[0].message}` : '';
  return (
    `<tr><td>${esc(formatMoment(String(b.receivedAt ?? '')))}</td>` +
    `<td>${nameHtml(sourceName(String(b.source ?? '')))}</td>` +
    `<td>${esc(eventTypeName(String(b.detailType ?? '')))}<br>${id(b.eventId)}</td>` +
    `<td>${esc(b.breach)}</td><td>${esc(first)}${esc(more)}</td></tr>`
  );
}

async function exchange(): Promise<void> {
  app.innerHTML =
    '<div id="health"><p class="empty">Loading exchange health…</p></div><div class="card"><h2>Dead letters</h2>' +
    '<div id="letters"></div></div><div class="card"><h2>Contract breaches</h2><div id="breaches"></div></div>';
  const health = document.getElementById('health')!;
  try {
    const h = (await api('/api/exchange/health')) as {
      pending: number;
      deadLetters: number;
      eventsPerMinute: number;
      lagSeconds: number;
      subscriptions: Json[];
    };
    health.innerHTML =
      `<div class="tiles">${tile('Deliveries pending', h.pending, 'now')}` +
      `${tile('Dead letters', h.deadLetters, 'now')}` +
      `${tile('Events per minute', h.eventsPerMinute, 'the last minute')}` +
      `${tile('Projection lag (oldest pending, s)', h.lagSeconds, 'now', formatNumber)}</div>
      <div class="card"><h2>Subscriptions</h2>${tableWrap(
        tableHtml(SUBSCRIPTION_HEAD, h.subscriptions.map(subscriptionRowHtml)),
      )}</div>`;
  } catch (error) {
    showError(health, error);
  }
  const letters = document.getElementById('letters')!;
  const load = async () => {
    try {
      const deadLetters = (await api('/api/exchange/dead-letters')).deadLetters as Json[];
      letters.innerHTML = deadLetters.length
        ? tableWrap(tableHtml(DEAD_LETTER_HEAD, deadLetters.map(deadLetterRowHtml)))
        : '<p class="empty">No dead letters: every delivery succeeded or is still being retried.</p>';
      letters.querySelectorAll<HTMLButtonElement>('[data-redrive]').forEach((button) => {
        button.addEventListener('click', async () => {
          button.disabled = true;
          try {
            await api('/api/exchange/dead-letters/redrive', { queue: button.dataset.redrive! }, 'POST');
            await load();
          } catch (error) {
            showError(letters, error);
          }
        });
      });
    } catch (error) {
      showError(letters, error);
    }
  };
  await load();
  const breaches = document.getElementById('breaches')!;
  try {
    const { count, breaches: list } = (await api('/api/exchange/breaches', { limit: '20' })) as {
      count: number;
      breaches: Json[];
    };
    breaches.innerHTML = count
      ? `<p>${formatCount(count)} accepted event(s) of your agency's sources broke the contract or reused ` +
        `an event id${count > list.length ? `; the newest ${formatCount(list.length)} are shown` : ''}. ` +
        `They are kept in the exchange log, never applied.</p>
        ${tableWrap(tableHtml(BREACH_HEAD, list.map(breachRowHtml)))}`
      : '<p class="empty">No contract breaches: every accepted event of your sources matched its schema.</p>';
  } catch (error) {
    showError(breaches, error);
  }
}

const PAGES: Record<string, () => Promise<void>> = { dashboard, people, exchange, catalog: () => catalogPage(app) };

function navigate(page: string): void {
  document.querySelectorAll<HTMLElement>('#nav button').forEach((b) => {
    if (b.dataset.page === page) b.setAttribute('aria-current', 'page');
    else b.removeAttribute('aria-current');
  });
  for (const c of charts.splice(0)) c.destroy();
  void PAGES[page]!();
}

function signIn(): void {
  document.getElementById('nav')!.classList.add('hidden');
  document.getElementById('who')!.textContent = '';
  app.innerHTML =
    `<form class="card signin" id="signin"><h2>Operator sign-in</h2>
    <p class="hint">Sign in with your ministry\u2019s operator keys (locally: <code>npx mx credentials ` +
    `--json</code>, under <code>operators</code>). The keys decide which ministry\u2019s view you see.</p>
    <label for="accessKeyId">Access key ID</label><input id="accessKeyId" autocomplete="username" ` +
    `spellcheck="false">
    <label for="secretAccessKey">Secret access key</label>` +
    `<input id="secretAccessKey" type="password" autocomplete="current-password">
    <label for="sessionToken">Session token (only for temporary keys)</label>` +
    `<input id="sessionToken" type="password" autocomplete="off">
    <button class="primary" type="submit">Sign in</button><div id="signin-error"></div></form>`;
  document.getElementById('signin')!.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = (field: string) => (document.getElementById(field) as HTMLInputElement).value.trim();
    const target = document.getElementById('signin-error')!;
    const keys: Keys = {
      accessKeyId: value('accessKeyId'),
      secretAccessKey: value('secretAccessKey'),
      ...(value('sessionToken') ? { sessionToken: value('sessionToken') } : {}),
    };
    if (!keys.accessKeyId || !keys.secretAccessKey) return showError(target, new Error(keysProblem({ status: 401 })));
    try {
      const decided = ministryOf((await callApi(keys, '/api/whoami')) as unknown as Caller);
      if ('problem' in decided) return showError(target, new Error(decided.problem));
      session = { ...keys, ministry: decided.ministry };
      sessionStorage.setItem('mx-session', JSON.stringify(session));
      start();
    } catch (error) {
      showError(target, new Error(error instanceof ApiError ? keysProblem(error) : (error as Error).message));
    }
  });
}

function start(): void {
  if (!session) {
    signIn();
    return;
  }
  document.getElementById('nav')!.classList.remove('hidden');
  document.getElementById('who')!.innerHTML =
    `<span>${esc(ministryName(session.ministry))} · operator</span> <button type="button" class="link" ` +
    `id="signout">Sign out</button>`;
  document.getElementById('signout')!.addEventListener('click', () => {
    session = undefined;
    sessionStorage.removeItem('mx-session');
    signIn();
  });
  navigate('dashboard');
}

document.querySelectorAll('#nav button').forEach((b) => {
  b.addEventListener('click', () => navigate((b as HTMLElement).dataset.page!));
});
start();
