/// The status page's style sheet, inlined: the HTML report's look, with badges and banners.
enum StatusPageStyle {
    static let css = """
        :root { --ink: #111827; --muted: #6b7280; --line: #e5e7eb; --panel: #ffffff; --page: #f4f5f7;
          --blue: #2563eb; --up: #15803d; --down: #dc2626; --amber: #b45309; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--page); color: var(--ink); border-top: 6px solid var(--blue);
          font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        body.real { border-top-color: var(--down); }
        main { max-width: 1180px; margin: 0 auto; padding: 20px 24px 32px; }
        header { margin-bottom: 16px; }
        .eyebrow { color: var(--blue); font-weight: 600; font-size: 12px; letter-spacing: .08em; text-transform: uppercase; }
        h1 { margin: 2px 0 4px; font-size: 26px; display: flex; align-items: center; flex-wrap: wrap; gap: 10px; }
        h2 { margin: 0 0 6px; font-size: 15px; }
        .meta, .note, footer { color: var(--muted); font-size: 12.5px; margin: 0 0 8px; }
        footer a { color: var(--muted); }
        code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: #374151; word-break: break-all; }
        .badge { display: inline-block; font-size: 13px; font-weight: 700; letter-spacing: .06em; padding: 3px 10px; border-radius: 999px;
          border: 1px solid transparent; }
        .badge.paper { background: #eff6ff; color: var(--blue); border-color: #bfdbfe; }
        .badge.live { background: #f59e0b; color: #111827; border-color: #d97706; }
        .badge.money { background: var(--down); color: #fff; }
        .badge.state { background: #f3f4f6; color: #374151; border-color: var(--line); font-weight: 600; }
        .badge.state.running { background: #f0fdf4; color: var(--up); border-color: #bbf7d0; }
        .badge.state.warming-up { background: #eff6ff; color: var(--blue); border-color: #bfdbfe; }
        .badge.state.halted { background: #fef2f2; color: var(--down); border-color: #fecaca; }
        .banner { border-radius: 8px; padding: 10px 14px; margin-bottom: 12px; font-size: 15px; }
        .banner b { letter-spacing: .06em; }
        .banner.money { background: var(--down); color: #fff; font-size: 17px; }
        .banner.halt { background: #fef2f2; border: 1px solid #fca5a5; color: #991b1b; }
        .banner.stale { background: #fffbeb; border: 1px solid #fcd34d; color: var(--amber); }
        .cards { display: grid; grid-template-columns: repeat(6, 1fr); gap: 12px; margin-bottom: 16px; }
        .card, .panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; }
        .card { padding: 12px 14px; }
        .card .label { color: var(--muted); font-size: 12px; }
        .card .value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; margin: 2px 0; white-space: nowrap; }
        .card .detail { color: var(--muted); font-size: 12px; min-height: 1.2em; }
        .up { color: var(--up); } .down { color: var(--down); }
        .panel { padding: 14px 16px; margin-bottom: 16px; min-width: 0; }
        .two { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
        #limits td { white-space: normal; }
        .trading { margin: 0 0 8px; padding: 6px 10px; border-radius: 6px; font-size: 13px; }
        .trading.ok { background: #f0fdf4; color: var(--up); }
        .trading.halted { background: #fef2f2; color: var(--down); }
        table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
        .scroll { max-height: 320px; overflow: auto; }
        .list th { position: sticky; top: 0; background: #f9fafb; text-align: left; font-weight: 600; font-size: 12px; color: #374151;
          padding: 6px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
        .list td { padding: 4px 8px; border-bottom: 1px solid #f3f4f6; white-space: nowrap; }
        .list td .message { white-space: normal; }
        .list td.empty { color: var(--muted); text-align: center; padding: 10px; }
        .list tbody tr:hover { background: #f9fafb; }
        .n { text-align: right !important; }
        .side { font-weight: 600; font-size: 12px; } .side.buy { color: var(--up); } .side.sell { color: var(--down); }
        @media (max-width: 900px) { .cards { grid-template-columns: repeat(3, 1fr); } .two { grid-template-columns: 1fr; } }
        """
}
