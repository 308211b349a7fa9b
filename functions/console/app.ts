/// <reference lib="dom" />
/**
 * The operator console: a single page that signs its API calls with the
 * operator's ministry credentials (SigV4 for execute-api, in the browser) and
 * shows that ministry's view: dashboard, people (dossier, lineage, accesses)
 * and the exchange's health and dead letters.
 */
import Chart from 'chart.js/auto';
import { catalogPage } from './catalog-page.ts';
import { signedFetch } from './signing.ts';

type Json = Record<string, any>;
interface Session {
  ministry: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary keys (an assumed operator role on AWS) come with one. */
  sessionToken?: string;
}

const MINISTRIES = ['interior', 'labour', 'foreign-affairs', 'border-service'];
const app = document.getElementById('app')!;
const charts: Chart[] = [];
let session: Session | undefined = JSON.parse(sessionStorage.getItem('mx-session') ?? 'null') ?? undefined;

class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const esc = (value: unknown) => String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function api(path: string, query: Record<string, string> = {}, method = 'GET', as: Session | undefined = session): Promise<Json> {
  if (!as) throw new ApiError(401, 'sign in first');
  const response = await signedFetch(path, query, method, as);
  const body = (await response.json().catch(() => ({}))) as Json;
  if (!response.ok) throw new ApiError(response.status, body.error?.message ?? response.statusText);
  return body;
}

function showError(target: HTMLElement, error: unknown): void {
  const message = error instanceof ApiError && error.status === 401 ? 'Your session has no credentials; sign in again.' : (error as Error).message;
  target.innerHTML = `<div class="error" role="alert">${esc(message)}</div>`;
}

function chart(canvas: HTMLCanvasElement, title: string, counts: Record<string, number>, kind: 'bar' | 'doughnut' = 'bar', limit = 12): void {
  // Time series read left to right; other breakdowns show their largest parts first.
  const chronological = /month/i.test(title);
  const entries = Object.entries(counts ?? {})
    .sort((a, b) => (chronological ? a[0].localeCompare(b[0]) : b[1] - a[1]))
    .slice(chronological ? -limit : 0, chronological ? undefined : limit);
  if (entries.length === 0) {
    canvas.replaceWith(Object.assign(document.createElement('p'), { className: 'empty', textContent: `No ${title.toLowerCase()} in this period.` }));
    return;
  }
  charts.push(
    new Chart(canvas, {
      type: kind,
      data: { labels: entries.map(([k]) => k), datasets: [{ label: title, data: entries.map(([, v]) => v), backgroundColor: kind === 'bar' ? '#00a3c4' : ['#00a3c4', '#14213d', '#fca311', '#e63946', '#2a9d8f', '#8d99ae', '#6a4c93', '#ffb703'] }] },
      options: { responsive: true, animation: false, plugins: { legend: { display: kind !== 'bar' }, title: { display: true, text: title } } },
    }),
  );
}

const tile = (label: string, value: unknown) => `<div class="tile"><div class="value" data-tile="${esc(label)}">${esc(typeof value === 'number' ? value.toLocaleString('en') : value)}</div><div class="label">${esc(label)}</div></div>`;

/** What each ministry looks at: the figures for tiles and the breakdowns to chart. */
function dashboardFor(ministry: string, s: Json): { tiles: [string, unknown][]; charts: [string, Record<string, number>, ('bar' | 'doughnut')?][] } {
  switch (ministry) {
    case 'labour':
      return {
        tiles: [['Qandas granted', s.qandas.granted], ['Qandas quota', s.qandas.quota], ['Granted in quota', s.qandas.grantedInQuota], [`LEA permits in force ${s.workPermits.activeOn}`, s.workPermits.active], ['Subsidies paid (KZT)', s.subsidies.amountKzt]],
        charts: [['Qandas by origin', s.qandas.byOrigin, 'doughnut'], ['Qandas by settlement region', s.qandas.bySettlementRegion], ['LEA permits in force by country', s.workPermits.activeByCountry], ['Qandas by month', s.qandas.byMonth]],
      };
    case 'interior':
      return {
        tiles: [['Administrative offences', s.offences], ['Deportations', s.deportations], ['Overstays detected', s.overstays], [`Foreigners in the country ${s.peopleInCountry.on}`, s.peopleInCountry.total]],
        charts: [['Offences by citizenship', s.offencesByCitizenship], ['Deportations by citizenship', s.deportationsByCitizenship], ['Offences by month', s.offencesByMonth], ['Offences by article', s.offencesByArticle, 'doughnut']],
      };
    case 'foreign-affairs':
      return {
        tiles: [['Visas issued', s.visas.issued], ['Visas revoked', s.visas.revoked], ['Deportations needing consular notice', s.deportationsNeedingConsularNotice]],
        charts: [['Visas by type', s.visas.byType, 'doughnut'], ['Visas by citizenship', s.visas.byCitizenship], ['Visas by month', s.visas.byMonth]],
      };
    default:
      return {
        tiles: [['Entries', s.crossings.entry], ['Exits', s.crossings.exit], ['Entries denied', s.entryDenied]],
        charts: [['Crossings by month', s.crossings.byMonth], ['Crossings by checkpoint', s.crossings.byCheckpoint], ['Entry denials by reason', s.entryDeniedByReason, 'doughnut']],
      };
  }
}

async function dashboard(): Promise<void> {
  app.innerHTML = `<div class="card row"><div><label for="year">Year</label><select id="year">${[2021, 2022, 2023, 2024, 2025, 2026].map((y) => `<option${y === 2021 ? ' selected' : ''}>${y}</option>`).join('')}</select></div><div></div><div></div></div><div id="dash"><p class="empty">Loading figures…</p></div>`;
  const render = async () => {
    const target = document.getElementById('dash')!;
    charts.splice(0).forEach((c) => c.destroy());
    try {
      const stats = await api(`/api/views/${session!.ministry}/stats`, { year: (document.getElementById('year') as HTMLSelectElement).value });
      const view = dashboardFor(session!.ministry, stats);
      const empty = view.tiles.every(([, v]) => !v);
      target.innerHTML =
        (empty ? '<p class="empty">Nothing has been recorded for this year yet. Publish events or run <code>npx mx simulate --year 2021 --scale 0.01</code>.</p>' : '') +
        `<div class="tiles">${view.tiles.map(([l, v]) => tile(l, v)).join('')}</div><div class="grid">${view.charts.map((_, i) => `<div class="card"><canvas id="chart-${i}" aria-label="chart"></canvas></div>`).join('')}</div>`;
      view.charts.forEach(([title, counts, kind], i) => chart(document.getElementById(`chart-${i}`) as HTMLCanvasElement, title, counts, kind));
    } catch (error) {
      showError(target, error);
    }
  };
  document.getElementById('year')!.addEventListener('change', render);
  await render();
}

async function people(): Promise<void> {
  app.innerHTML = `<form class="card" id="search"><h2>Find a person</h2>
    <div class="row"><div><label for="citizenship">Citizenship (ISO3)</label><input id="citizenship" placeholder="UZB"></div><div><label for="document">Document number</label><input id="document" placeholder="FA1234567"></div><div><label for="iin">or IIN</label><input id="iin" placeholder="12 digits"></div></div>
    <label for="purpose">Purpose of this look-up (recorded in the access ledger)</label><input id="purpose" placeholder="e.g. work permit review 2021/123">
    <button class="primary" type="submit">Search</button></form><div id="result"></div>`;
  document.getElementById('search')!.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = (id: string) => (document.getElementById(id) as HTMLInputElement).value.trim();
    const target = document.getElementById('result')!;
    const who: Record<string, string> = value('iin') ? { iin: value('iin') } : { citizenship: value('citizenship'), document: value('document') };
    if (!value('purpose')) return showError(target, new Error('Give the purpose of the look-up: every read of a person\u2019s data is recorded with its purpose.'));
    target.innerHTML = '<p class="empty">Searching…</p>';
    try {
      const base = `/api/views/${session!.ministry}`;
      const dossier = await api(`${base}/person`, { ...who, purpose: value('purpose') });
      const lineage = await api(`${base}/lineage`, { ...who, purpose: `${value('purpose')} (lineage)` });
      const accesses = await api(`${base}/accesses`, { ...who, purpose: `${value('purpose')} (accesses)` });
      target.innerHTML = `
        <div class="card" id="dossier"><h2>Dossier · ${esc(session!.ministry)} view</h2>
          <table><tbody>${Object.entries(dossier.profile).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(typeof v === 'object' ? JSON.stringify(v) : v)}</td></tr>`).join('')}</tbody></table>
          <h2 style="margin-top:16px">Records</h2>
          ${dossier.records.length ? `<table><thead><tr><th>Kind</th><th>Key</th><th>Details</th></tr></thead><tbody>${dossier.records.map((r: Json) => `<tr><td>${esc(r.kind)}</td><td>${esc(r.key)}</td><td><code>${esc(JSON.stringify(r.state))}</code></td></tr>`).join('')}</tbody></table>` : '<p class="empty">No records.</p>'}
        </div>
        <div class="card" id="lineage"><h2>Lineage</h2><ol class="timeline">${lineage.events.map((e: Json) => `<li><strong>${esc(e.type)}</strong> · ${esc(e.occurredAt)} · <code>${esc(e.source)}</code><div class="caused">${e.causationId ? `caused by ${esc(e.causationId)} · ` : ''}event ${esc(e.eventId)} → ${esc(e.records.join(', '))}</div></li>`).join('')}</ol></div>
        <div class="card" id="accesses"><h2>Who accessed this person\u2019s data</h2>
          <table><thead><tr><th>When</th><th>Ministry</th><th>Read</th><th>Purpose</th><th>Operator</th></tr></thead><tbody>${accesses.accesses.map((a: Json) => `<tr><td>${esc(a.readAt)}</td><td>${esc(a.ministry)}</td><td>${esc(a.what)}</td><td>${esc(a.purpose)}</td><td><code>${esc(a.operator)}</code></td></tr>`).join('')}</tbody></table></div>`;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) target.innerHTML = `<p class="empty">The ${esc(session!.ministry)} view holds no records for this person. (The look-up was still recorded in the access ledger.)</p>`;
      else showError(target, error);
    }
  });
}

async function exchange(): Promise<void> {
  app.innerHTML =
    '<div id="health"><p class="empty">Loading exchange health…</p></div><div class="card"><h2>Dead letters</h2><div id="letters"></div></div><div class="card"><h2>Contract breaches</h2><div id="breaches"></div></div>';
  const health = document.getElementById('health')!;
  try {
    const h = await api('/api/exchange/health');
    health.innerHTML = `<div class="tiles">${tile('Deliveries pending', h.pending)}${tile('Dead letters', h.deadLetters)}${tile('Events per minute', h.eventsPerMinute)}${tile('Projection lag (oldest pending, s)', h.lagSeconds)}</div>
      <div class="card"><h2>Subscriptions</h2><table><thead><tr><th>Subscription</th><th>Queue depth</th><th>In flight</th><th>Dead letters</th><th>Delivered</th><th>Failed</th></tr></thead><tbody>${h.subscriptions.map((s: Json) => `<tr><td>${esc(s.subscription)}</td><td>${s.visible}</td><td>${s.inFlight}</td><td>${s.deadLetters}</td><td>${s.delivered}</td><td>${s.failed}</td></tr>`).join('')}</tbody></table></div>`;
  } catch (error) {
    showError(health, error);
  }
  const letters = document.getElementById('letters')!;
  const load = async () => {
    try {
      const { deadLetters } = await api('/api/exchange/dead-letters');
      letters.innerHTML = deadLetters.length
        ? `<table><thead><tr><th>Queue</th><th>Event</th><th>Receives</th><th>Parked</th><th>Reason</th><th></th></tr></thead><tbody>${deadLetters.map((d: Json) => `<tr><td>${esc(d.queue)}</td><td>${esc(d.detailType)}<br><code>${esc(d.eventId)}</code></td><td>${d.receiveCount}</td><td>${esc(d.deadLetteredAt)}</td><td>${esc(d.error)}</td><td><button class="small" data-redrive="${esc(d.queue)}">Redrive</button></td></tr>`).join('')}</tbody></table>`
        : '<p class="empty">No dead letters: every delivery succeeded or is still being retried.</p>';
      letters.querySelectorAll<HTMLButtonElement>('[data-redrive]').forEach((button) =>
        button.addEventListener('click', async () => {
          button.disabled = true;
          try {
            await api('/api/exchange/dead-letters/redrive', { queue: button.dataset.redrive! }, 'POST');
            await load();
          } catch (error) {
            showError(letters, error);
          }
        }),
      );
    } catch (error) {
      showError(letters, error);
    }
  };
  await load();
  const breaches = document.getElementById('breaches')!;
  try {
    const { count, breaches: list } = await api('/api/exchange/breaches', { limit: '20' });
    breaches.innerHTML = count
      ? `<p>${count} accepted event(s) of your agency's sources broke the contract or reused an event id${count > list.length ? `; the newest ${list.length} are shown` : ''}. They are kept in the exchange log, never applied.</p>
        <table><thead><tr><th>Received</th><th>Source</th><th>Event</th><th>Breach</th><th>First problem</th></tr></thead><tbody>${list
          .map((b: Json) => `<tr><td>${esc(b.receivedAt)}</td><td>${esc(b.source)}</td><td>${esc(b.detailType)}<br><code>${esc(b.eventId)}</code></td><td>${esc(b.breach)}</td><td>${esc(b.issues[0] ? `${b.issues[0].path}: ${b.issues[0].message}` : '')}${b.issueCount > 1 ? ` (+${b.issueCount - 1} more)` : ''}</td></tr>`)
          .join('')}</tbody></table>`
      : '<p class="empty">No contract breaches: every accepted event of your sources matched its schema.</p>';
  } catch (error) {
    showError(breaches, error);
  }
}

const PAGES: Record<string, () => Promise<void>> = { dashboard, people, exchange, catalog: () => catalogPage(app) };

function navigate(page: string): void {
  document.querySelectorAll<HTMLElement>('#nav button').forEach((b) => (b.dataset.page === page ? b.setAttribute('aria-current', 'page') : b.removeAttribute('aria-current')));
  charts.splice(0).forEach((c) => c.destroy());
  void PAGES[page]!();
}

function signIn(): void {
  document.getElementById('nav')!.classList.add('hidden');
  document.getElementById('who')!.textContent = '';
  app.innerHTML = `<form class="card signin" id="signin"><h2>Operator sign-in</h2>
    <p style="color:var(--muted);font-size:14px">Use your ministry\u2019s operator keys (locally: <code>npx mx credentials --json</code>, under <code>operators</code>). You will see only your ministry\u2019s view.</p>
    <label for="ministry">Ministry</label><select id="ministry">${MINISTRIES.map((m) => `<option>${m}</option>`).join('')}</select>
    <label for="accessKeyId">Access key ID</label><input id="accessKeyId" autocomplete="username">
    <label for="secretAccessKey">Secret access key</label><input id="secretAccessKey" type="password" autocomplete="current-password">
    <label for="sessionToken">Session token (temporary keys only)</label><input id="sessionToken" type="password" autocomplete="off">
    <button class="primary" type="submit">Sign in</button><div id="signin-error"></div></form>`;
  document.getElementById('signin')!.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = (id: string) => (document.getElementById(id) as HTMLInputElement).value.trim();
    const candidate: Session = { ministry: value('ministry'), accessKeyId: value('accessKeyId'), secretAccessKey: value('secretAccessKey'), ...(value('sessionToken') ? { sessionToken: value('sessionToken') } : {}) };
    try {
      await api(`/api/views/${candidate.ministry}/stats`, { year: '2021' }, 'GET', candidate);
      session = candidate;
      sessionStorage.setItem('mx-session', JSON.stringify(session));
      start();
    } catch (error) {
      const target = document.getElementById('signin-error')!;
      if (error instanceof ApiError && error.status === 403) showError(target, new Error(`These credentials may not read the ${candidate.ministry} view. ${error.message}`));
      else showError(target, error);
    }
  });
}

function start(): void {
  if (!session) return signIn();
  document.getElementById('nav')!.classList.remove('hidden');
  document.getElementById('who')!.innerHTML = `${esc(session.ministry)} operator · <a href="#" id="signout" style="color:white">sign out</a>`;
  document.getElementById('signout')!.addEventListener('click', (event) => {
    event.preventDefault();
    session = undefined;
    sessionStorage.removeItem('mx-session');
    signIn();
  });
  navigate('dashboard');
}

document.querySelectorAll('#nav button').forEach((b) => b.addEventListener('click', () => navigate((b as HTMLElement).dataset.page!)));
start();
