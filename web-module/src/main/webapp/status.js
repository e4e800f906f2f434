// The status page: polls this server's /api/group and /api/replication every second and draws
// its role over time, the failovers it saw (with the outage where it can measure one), the
// master's commit latency since the page opened, and each member's lag.
'use strict';
const WINDOW_MS = 10 * 60 * 1000;
const ROLE_COLOURS = { MASTER: '#5cb85c', BACKUP: '#9cc3f0', WAITING: '#f0c040', JOINING: '#c9d4ff' };
const MARKS = { Declared: '#2a7a2a', Revoked: '#b03030', HandedOver: '#6040b0', MasterSuspected: '#d08000' };
const latency = []; // {t, p50, p99}

const text = (id, value) => document.getElementById(id).textContent = value;
const cell = (row, value, cls) => { const td = row.insertCell(); td.textContent = value ?? '—'; if (cls) td.className = cls; };
const svg = (tag, attrs, parent) => {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  parent.appendChild(e);
  return e;
};

/** Oldest first, with times in ms. */
function chronological(events) {
  return events.map(e => ({ ...e, t: Date.parse(e.at) })).sort((a, b) => a.t - b.t);
}

/** The role this server had from each RoleChanged event on ("JOINING -> BACKUP (master s1, ...)"). */
function roleSpans(events, role, now) {
  const changes = events.filter(e => e.type === 'RoleChanged');
  const spans = [];
  let from = now - WINDOW_MS;
  let current = changes.length ? changes[0].detail.split(' ')[0] : role;
  for (const c of changes) {
    if (c.t > from) spans.push({ from, to: c.t, role: current });
    from = Math.max(from, c.t);
    current = (c.detail.match(/-> (\w+)/) || [])[1] || current;
  }
  spans.push({ from, to: now, role: current });
  return spans;
}

function drawTimeline(events, role) {
  const now = Date.now();
  const box = document.getElementById('timeline');
  box.replaceChildren();
  const width = +box.getAttribute('width');
  const x = t => Math.max(0, (t - (now - WINDOW_MS)) / WINDOW_MS * width);
  for (const s of roleSpans(events, role, now)) {
    svg('rect', { x: x(s.from), y: 10, width: Math.max(1, x(s.to) - x(s.from)), height: 30,
      fill: ROLE_COLOURS[s.role] || '#ddd', class: 'span ' + s.role }, box).appendChild(
      document.createElementNS('http://www.w3.org/2000/svg', 'title')).textContent = s.role;
  }
  for (const e of events.filter(e => MARKS[e.type] && e.t > now - WINDOW_MS)) {
    const mark = svg('line', { x1: x(e.t), x2: x(e.t), y1: 4, y2: 46, stroke: MARKS[e.type], 'stroke-width': 2,
      class: 'mark ' + e.type }, box);
    svg('title', {}, mark).textContent = e.at + ' ' + e.type + ': ' + e.detail;
  }
  for (let m = 0; m <= 10; m += 2) {
    svg('text', { x: Math.max(2, x(now - m * 60000) - (m === 0 ? 24 : 10)), y: 62, 'font-size': 10, fill: '#666' }, box)
      .textContent = m === 0 ? 'now' : '-' + m + ' min';
  }
}

/**
 * Each change of master this server saw: a declaration it made, or a role change naming a new
 * master. Where it took over itself, the outage is from its suspicion of the old master to the
 * moment it opened for writes (the time a client's write had to wait, less the detection).
 */
function failovers(events, self) {
  const rows = [];
  let lastMaster = null;
  for (const e of events) {
    const named = e.type === 'RoleChanged' && e.detail.match(/\(master (\S+), epoch (\S+)\)/);
    const declared = e.type === 'Declared';
    if (declared || (named && named[1] !== lastMaster && named[1] !== 'null')) {
      const epoch = declared ? (e.detail.match(/epoch (\S+)/) || [])[1] : named[2];
      const master = declared ? self + ' (this server)' : named[1];
      const how = declared ? (e.detail.includes('handover') ? 'handover' : 'election') : 'followed';
      let outage = null;
      if (declared) {
        const suspected = [...events].reverse().find(s => s.type === 'MasterSuspected' && s.t <= e.t && e.t - s.t < 10000);
        const opened = events.find(o => o.type === 'Replication' && o.detail.startsWith('open for writes') && o.t >= e.t);
        if (opened) outage = (opened.t - (suspected ? suspected.t : e.t)) + ' ms' + (suspected ? '' : ' (from the declaration)');
      }
      rows.push({ at: e.at, epoch, master, how, outage });
      lastMaster = declared ? self : named[1];
    }
  }
  return rows.reverse();
}

function drawLatency(r) {
  // µs from the API, ms on the chart
  if (r.commitMicros.samples > 0) latency.push({ t: Date.now(), p50: r.commitMicros.p50 / 1000, p99: r.commitMicros.p99 / 1000 });
  if (latency.length > 600) latency.shift();
  const box = document.getElementById('latency');
  box.replaceChildren();
  const width = +box.getAttribute('width'), height = +box.getAttribute('height') - 20;
  if (latency.length === 0) {
    svg('text', { x: 10, y: 30, fill: '#666' }, box).textContent = 'no writes committed here yet';
    return;
  }
  const top = Math.max(1, ...latency.map(s => s.p99));
  const x = i => latency.length === 1 ? width / 2 : i / (latency.length - 1) * (width - 40) + 35;
  const y = v => height - v / top * (height - 10);
  for (const [key, colour] of [['p50', '#2a6fb0'], ['p99', '#d05030']]) {
    svg('polyline', { points: latency.map((s, i) => x(i) + ',' + y(s[key])).join(' '), fill: 'none',
      stroke: colour, 'stroke-width': 1.5, class: 'latency ' + key }, box);
    svg('text', { x: width - 30, y: y(latency[latency.length - 1][key]), 'font-size': 11, fill: colour }, box)
      .textContent = key;
  }
  svg('text', { x: 2, y: 12, 'font-size': 10, fill: '#666' }, box).textContent = top + ' ms';
  svg('text', { x: 2, y: height, 'font-size': 10, fill: '#666' }, box).textContent = '0';
}

async function refresh() {
  try {
    const s = await (await fetch('api/group')).json();
    const r = await (await fetch('api/replication')).json();
    text('group', s.group); text('self', s.self.id + ' (index ' + s.self.index + ')');
    text('release', s.release.version + ' (protocol ' + s.release.protocol + ')');
    text('role', s.role); text('epoch', s.epoch); text('master', s.master.id ?? 'unknown');
    const link = document.getElementById('masterUrl'); link.href = s.master.url ?? '#'; link.textContent = s.master.url ?? '';
    text('ready', s.ready ? 'yes' : 'no');
    text('broker', s.broker.reachable ? 'reachable, round trip ' + s.broker.lastRoundTripMillis + ' ms' : 'unreachable');
    const members = document.getElementById('members'); members.replaceChildren();
    for (const m of s.members) {
      const row = members.insertRow(); row.className = m.role ?? '';
      const acked = m.id === s.self.id ? r.appliedSeq : r.acked[m.id];
      cell(row, m.id); cell(row, m.index); cell(row, m.capacity ?? 'configured'); cell(row, m.role);
      cell(row, m.lastSeenMillisAgo == null ? 'never' : m.lastSeenMillisAgo + ' ms ago');
      cell(row, s.role === 'MASTER' && acked != null ? Math.max(0, r.appliedSeq - acked) : null); cell(row, m.url);
    }
    const delays = document.getElementById('delays'); delays.replaceChildren();
    const ids = Object.keys(s.delays); const head = delays.insertRow(); cell(head, 'from \\ to');
    ids.forEach(id => cell(head, id));
    for (const k of ids) { const row = delays.insertRow(); cell(row, k); ids.forEach(j => cell(row, s.delays[k][j])); }
    text('mode', r.mode + (r.awaitedPositions.length ? ' (waiting for ' + r.awaitedPositions.join(', ') + ')' : ''));
    text('applied', r.applied); text('keys', r.keys); text('digest', r.digest); text('waiting', r.waiting);
    text('commit', r.commitMicros.samples ? (r.commitMicros.p50 / 1000).toFixed(1) + ' / ' + (r.commitMicros.p99 / 1000).toFixed(1) : '—');
    text('acked', Object.entries(r.acked).map(([id, seq]) => id + ' ' + seq).join(', ') || '—');
    text('snapshots', r.snapshotsInstalled);
    const all = chronological(s.events); // one event log: /api/replication shows the same
    drawTimeline(all, s.role);
    const table = document.getElementById('failovers'); table.replaceChildren();
    for (const f of failovers(all, s.self.id)) {
      const row = table.insertRow(); cell(row, f.at); cell(row, f.epoch); cell(row, f.master); cell(row, f.how); cell(row, f.outage);
    }
    drawLatency(r);
    const events = document.getElementById('events'); events.replaceChildren();
    for (const e of [...all].reverse().slice(0, 20)) { const row = events.insertRow(); cell(row, e.at); cell(row, e.type); cell(row, e.detail); }
    text('error', '');
  } catch (e) { text('error', 'cannot reach this server: ' + e); }
}
refresh(); setInterval(refresh, 1000);
