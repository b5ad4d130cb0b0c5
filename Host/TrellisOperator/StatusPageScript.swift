/// The status page's inline script: every 2 s it fetches `/status` and renders the page's `live`
/// part again, exactly as ``StatusPage`` renders it on the server.
///
/// It warns when the engine's snapshot stops changing for longer than the stale limit, or when
/// the host stops answering; it fetches nothing but `status`, relative to the page.
enum StatusPageScript {
    static let source = #"""
        (() => {
          const staleMs = Number(document.body.dataset.staleMs) || 5000;
          const esc = t => String(t ?? '').replace(/[&<>"']/g, c => '&#' + c.charCodeAt(0) + ';');
          const group = d => d.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
          const finite = v => typeof v === 'number' && isFinite(v);
          const num = (v, lo, hi) => {
            if (!finite(v)) return 'n/a';
            const t = v.toFixed(hi), neg = t[0] === '-', [i, f = ''] = (neg ? t.slice(1) : t).split('.');
            const fraction = f.slice(0, Math.max(lo, f.replace(/0+$/, '').length));
            return (neg && /[1-9]/.test(i + f) ? '-' : '') + group(i) + (fraction ? '.' + fraction : '');
          };
          const money = v => num(v, 2, 2);
          const signed = v => { const t = money(v); return finite(v) && t[0] !== '-' && t !== '0.00' ? '+' + t : t; };
          const tone = v => { const t = money(v); return v > 0 && t !== '0.00' ? 'up' : v < 0 && t !== '0.00' ? 'down' : ''; };
          const toned = v => `<span class="${tone(v)}">${signed(v)}</span>`;
          const count = v => finite(v) ? (v < 0 ? '-' : '') + group(String(Math.abs(v))) : esc(v);
          const iso = ns => new Date(Number(ns) / 1e6).toISOString();
          const dateTime = ns => iso(ns).slice(0, 19).replace('T', ' '), time = ns => iso(ns).slice(11, 19);
          const span = ns => {
            const s = Math.max(0, Math.floor(ns / 1e9)), d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60;
            return d ? `${d} d ${h} h` : h ? `${h} h ${m} min` : m ? `${m} min ${s % 60} s` : `${s} s`;
          };
          const b = t => `<b>${esc(t)}</b>`;
          const cols = spec => spec.split('|').map(c => [c.replace('#', ''), c.endsWith('#')]);
          const card = (label, value, t, detail) =>
            `<div class="card"><div class="label">${label}</div><div class="value ${t}">${value}</div><div class="detail">${detail}</div></div>\n`;
          const table = (id, title, note, columns, rows, empty) =>
            `<section class="panel" id="${id}"><h2>${title}</h2>${note}<div class="scroll"><table class="list"><thead><tr>` +
            columns.map(c => c[1] ? `<th class="n">${c[0]}</th>` : `<th>${c[0]}</th>`).join('') + '</tr></thead><tbody>\n' +
            (rows.length ? rows.map(r => '<tr>' + r.map((x, i) => columns[i][1] ? `<td class="n">${x}</td>` : `<td>${x}</td>`).join('') + '</tr>\n').join('')
              : `<tr><td class="empty" colspan="${columns.length}">${empty}</td></tr>\n`) + '</tbody></table></div></section>\n';

          function render(s, warning) {
            let out = s.realMoney ? '<div class="banner money"><b>REAL MONEY</b> · orders go to a real account</div>\n' : '';
            if (s.state === 'halted') out += `<div class="banner halt"><b>HALTED</b> · ${esc(s.haltReason || 'the host halted without saying why')}</div>\n`;
            if (s.state === 'stopping' || s.state === 'stopped') out += `<div class="banner stale"><b>STOPPING</b> · the host ${s.state === 'stopping' ? 'is stopping' : 'has stopped'}</div>\n`;
            if (warning) out += `<div class="banner stale"><b>NO UPDATE</b> · ${esc(warning)}</div>\n`;
            const mode = s.mode.toLowerCase() === 'live' ? '<span class="badge live">LIVE</span>' : '<span class="badge paper">PAPER</span>';
            const meta = `run <code>${esc(s.runID || '—')}</code>` +
              (s.startedAt > 0 ? ` · started ${dateTime(s.startedAt)} UTC · up ${span(s.updatedAt - s.startedAt)}` : '') +
              (s.updatedAt > 0 ? ` · updated ${time(s.updatedAt)} UTC` : '');
            out += `<header>\n<div class="eyebrow">Trellis operator</div>\n<h1><span class="graph">${esc(s.graph || 'Trellis host')}</span> ${mode}` +
              `${s.realMoney ? ' <span class="badge money">REAL MONEY</span>' : ''} <span class="badge state ${esc(s.state)}">` +
              `${esc(s.state.toUpperCase().replace(/-/g, ' '))}</span></h1>\n<p class="meta">${meta}</p>\n</header>\n`;
            const change = s.equity - s.startingEquity;
            const percent = s.startingEquity > 0 && isFinite(change) ? ` (${change >= 0 ? '+' : ''}${num(change / s.startingEquity * 100, 2, 2)}%)` : '';
            out += '<section class="cards">\n' +
              card('Equity', money(s.equity), '', `<span class="${tone(change)}">${signed(change)}${percent}</span> since start`) +
              card('Realised P&amp;L', signed(s.realizedPnL), tone(s.realizedPnL), 'after commission') +
              card('Unrealised P&amp;L', signed(s.unrealizedPnL), tone(s.unrealizedPnL), `${s.positions.length} open position${s.positions.length === 1 ? '' : 's'}`) +
              card('Cash', money(s.cash), '', esc(s.currency)) +
              card('Orders', count(s.orders), '', `${count(s.fills)} fills · ${s.openOrders.length} open`) +
              card('Events', count(s.events), '', `queue depth ${count(s.queueDepth)}`) + '</section>\n';
            out += table('positions', 'Positions', '', cols('Symbol|Node|Quantity#|Avg price#|Last#|Value#|Unrealised P&amp;L#'), s.positions.map(p =>
              [b(p.symbol), esc(p.node), num(p.quantity, 0, 8), num(p.averagePrice, 2, 8), num(p.lastPrice, 2, 8), money(p.quantity * p.lastPrice), toned(p.unrealizedPnL)]),
              'No open positions.');
            out += table('orders', 'Open orders', '', cols('Since (UTC)|Node|Symbol|Side|Type|Quantity#|Filled#|Price#|Status|Venue|Client ID'), s.openOrders.map(o =>
              [time(o.since), esc(o.node), b(o.symbol), `<span class="side ${esc(o.side.toLowerCase())}">${esc(o.side.toUpperCase())}</span>`, esc(o.type),
               num(o.quantity, 0, 8), num(o.filledQuantity, 0, 8), o.price === 0 ? '—' : num(o.price, 2, 8), esc(o.status), esc(o.venue), `<code>${esc(o.clientOrderID)}</code>`]),
              'No open orders.');
            const trading = s.state === 'halted' ? `<p class="trading halted"><b>Halted</b> · ${esc(s.haltReason || 'no reason given')}</p>`
              : '<p class="trading ok"><b>Trading</b> · no limit has halted the host</p>';
            out += '<div class="two">' + table('limits', 'Hard limits', trading, cols('Limit|Setting|Now'), s.limits.map(l => [esc(l.name), esc(l.setting), esc(l.state)]),
              'No hard limits set.') + table('errors', 'Last errors', s.errors.length ? `<p class="note">newest first, the last ${s.errors.length}</p>` : '',
              cols('Time (UTC)|Node|Message'), s.errors.slice().reverse().map(e => [time(e.time), esc(e.node), `<span class="message">${esc(e.message)}</span>`]),
              'No errors.') + '</div>';
            return out + table('verdicts', 'Shadow verdicts', '', cols('Challenger|Replaces|Verdict|p-value#|Difference#|Champion n#|Challenger n#'), s.verdicts.map(v =>
              [b(v.challenger), esc(v.replaces), esc(v.verdict), num(v.pValue, 4, 4), (v.difference > 0 ? '+' : '') + num(v.difference, 4, 4), count(v.championCount),
               count(v.challengerCount)]), 'No shadow branches.');
          }

          let seen = null, seenAt = Date.now(), answered = new Date();
          const live = document.getElementById('live'), refresh = document.getElementById('refresh');
          async function tick() {
            try {
              const response = await fetch('status', { cache: 'no-store', signal: AbortSignal.timeout(5000) });
              if (!response.ok) throw new Error(`HTTP ${response.status}`);
              // Client order ids are 64-bit: keep their digits, not a rounded double.
              const s = JSON.parse(await response.text(), (k, v, c) => k === 'clientOrderID' && c && c.source ? c.source : v);
              if (s.updatedAt !== seen) { seen = s.updatedAt; seenAt = Date.now(); }
              const quiet = Date.now() - seenAt;
              live.innerHTML = render(s, quiet > staleMs ? `the engine has not published its state for ${(quiet / 1000).toFixed(1)} s` : '');
              document.body.className = s.realMoney ? 'real' : '';
              answered = new Date();
              refresh.textContent = `Updated by this page at ${answered.toISOString().slice(11, 19)} UTC, every 2 s.`;
            } catch (error) {
              let banner = document.getElementById('unreachable');
              if (!banner) { banner = document.createElement('div'); banner.id = 'unreachable'; banner.className = 'banner halt'; live.prepend(banner); }
              banner.innerHTML = `<b>NO CONNECTION</b> · the host has not answered since ${answered.toISOString().slice(11, 19)} UTC (${esc(error.message)}): the figures below are old`;
            } finally {
              setTimeout(tick, 2000);
            }
          }
          setTimeout(tick, 2000);
        })();
        """#
}
